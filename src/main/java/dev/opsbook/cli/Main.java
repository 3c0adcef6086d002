package dev.opsbook.cli;

import io.quarkus.runtime.annotations.QuarkusMain;
import picocli.CommandLine;

/**
 * The entry point. Every command but {@code serve} runs as a plain picocli program: Quarkus
 * never boots, so nothing listens, no channel starts and {@code --help} or {@code validate}
 * costs what the JVM and the work cost. {@code serve} is prepared here, before Quarkus boots
 * ({@link ServeLaunch}: its options checked, the HTTP address and the queue chosen as Quarkus
 * configuration), then runs inside Quarkus.
 */
@QuarkusMain
public final class Main {

    private Main() {
    }

    public static void main(String... args) {
        if (ServeLaunch.isServe(args)) {
            System.exit(ServeLaunch.launch(args));
        }
        CliLogging.quiet();
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        return new CommandLine(new OpsbookCommand());
    }
}
