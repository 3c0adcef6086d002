package dev.opsbook.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsbook.cli.ShowCommand;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;

/** What {@code opsbook show RUN --store URL} prints, run in this JVM. */
public final class Show {

    private Show() {
    }

    public static synchronized String record(String run, String storeUrl) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream before = System.out;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            assertThat(new CommandLine(new ShowCommand()).execute(run, "--store", storeUrl)).as("opsbook show " + run).isZero();
        } finally {
            System.setOut(before);
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
