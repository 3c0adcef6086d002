package dev.opsbook.cli;

import io.quarkus.picocli.runtime.annotations.TopCommand;
import picocli.CommandLine.Command;

@TopCommand
@Command(name = "opsbook", mixinStandardHelpOptions = true)
public class OpsbookCommand {
}
