package dev.opsbook.deploy;

import dev.opsbook.cli.DeployCommand;
import dev.opsbook.cli.PolicyCommand;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
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

    private static synchronized Result run(CommandLine command, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream stdout = System.out;
        PrintStream stderr = System.err;
        int code;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            code = command.execute(args);
        } finally {
            System.setOut(stdout);
            System.setErr(stderr);
        }
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
