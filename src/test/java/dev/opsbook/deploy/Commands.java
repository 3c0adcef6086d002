package dev.opsbook.deploy;

import dev.opsbook.cli.DeployCommand;
import dev.opsbook.cli.PolicyCommand;
import picocli.CommandLine;

/** {@code opsbook deploy ...} and {@code opsbook policy ...} run in this JVM (they boot nothing), what they print and their exit status. */
final class Commands {

    record Result(int exitCode, String stdout, String stderr) {
    }

    private Commands() {
    }

    static Result deploy(String... args) {
        return run(new CommandLine(new DeployCommand()), args);
    }

    static Result policy(String... args) {
        return run(new CommandLine(new PolicyCommand()), args);
    }

    private static Result run(CommandLine command, String... args) {
        dev.opsbook.testing.InProcessCli.Result result = dev.opsbook.testing.InProcessCli.run(command.getCommand(), args);
        return new Result(result.exitCode(), result.stdout(), result.stderr());
    }
}
