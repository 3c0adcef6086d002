package dev.opsbook.testing;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;

/** An opsbook command run in the test's JVM as the opsbook program runs it ({@code Main.configured}), its standard output and error caught. */
public final class InProcessCli {

    public record Result(int exitCode, String stdout, String stderr) {
    }

    private InProcessCli() {
    }

    /** //why: one lock for every caller, since System.out and System.err are the JVM's, not the test class's */
    public static synchronized Result run(Object command, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream stdout = System.out;
        PrintStream stderr = System.err;
        int code;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            code = dev.opsbook.cli.Main.configured(new CommandLine(command)).execute(args);
        } finally {
            System.setOut(stdout);
            System.setErr(stderr);
        }
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
