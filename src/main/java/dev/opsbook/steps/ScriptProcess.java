package dev.opsbook.steps;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One run of a script kind's program (bash for {@code shell}, python for {@code python}) in a
 * {@link ProcessGroup} of its own: environment and working directory given, standard input the
 * bytes given (or closed), stdout and stderr kept up to {@link #OUTPUT_CAP} each. Interrupted, it
 * ends the whole group before it throws, so nothing of the step outlives it.
 */
final class ScriptProcess {

    /** Bytes kept of each of stdout and stderr. */
    static final int OUTPUT_CAP = 256 * 1024;

    /** How a run ended: the exit status and what it printed (with a note of what was dropped). */
    record Ended(int exitCode, String stdout, String stderr) {
    }

    private ScriptProcess() {
    }

    /** @param stdin what the program reads on standard input, then end-of-file; null for none ({@code /dev/null}) */
    static Ended run(List<String> command, Map<String, String> environment, Path directory, byte[] stdin)
            throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(ProcessGroup.wrap(command));
        builder.environment().putAll(environment);
        builder.directory(directory.toFile());
        if (stdin == null) {
            builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        }
        Process process = builder.start();
        try {
            Thread feeder = stdin == null ? null : feed(process.getOutputStream(), stdin);
            Capture stdout = new Capture(process.getInputStream());
            Capture stderr = new Capture(process.getErrorStream());
            int exitCode;
            try {
                exitCode = process.waitFor();
            } catch (InterruptedException e) {
                ProcessGroup.end(process);
                stdout.join();
                stderr.join();
                throw e;
            }
            stdout.join();
            stderr.join();
            if (feeder != null) {
                feeder.interrupt();
            }
            return new Ended(exitCode, stdout.text(), stderr.text());
        } finally {
            if (process.isAlive()) {
                ProcessGroup.end(process);
            }
        }
    }

    /** //why: on a thread of its own, so a program that never reads its input cannot block the step's thread (nor its timeout). */
    private static Thread feed(OutputStream in, byte[] bytes) {
        Thread thread = new Thread(() -> {
            try (in) {
                in.write(bytes);
            } catch (IOException ignored) {
                // the program ended before reading it all: its exit status says what happened
            }
        }, "opsbook-script-input");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    /** Reads a stream on its own thread, keeping the first {@link #OUTPUT_CAP} bytes and counting the rest. */
    private static final class Capture {
        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
        private final Thread thread;
        private long dropped;

        Capture(InputStream stream) {
            thread = new Thread(() -> {
                byte[] buffer = new byte[8192];
                try (stream) {
                    int n;
                    while ((n = stream.read(buffer)) >= 0) {
                        int room = OUTPUT_CAP - kept.size();
                        int keep = Math.max(0, Math.min(room, n));
                        kept.write(buffer, 0, keep);
                        dropped += n - keep;
                    }
                } catch (IOException ignored) {
                    // the process went away; what was read is kept
                }
            }, "opsbook-script-output");
            thread.setDaemon(true);
            thread.start();
        }

        void join() {
            try {
                thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        String text() {
            String text = kept.toString(StandardCharsets.UTF_8);
            return dropped == 0 ? text : text + "\n[opsbook: output truncated, " + dropped + " more bytes not kept]\n";
        }
    }
}
