package dev.opsbook.steps;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsbook.engine.StepCall;
import dev.opsbook.engine.StepExecutor;
import dev.opsbook.engine.StepOutcome;
import dev.opsbook.runbook.StepKindSpec;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code shell}: the block is a bash script, run with {@code -e -o pipefail}, stdin closed.
 * Parameters are in its environment; what it writes to {@code $OPSBOOK_OUTPUT} becomes outputs
 * ({@link OutputFile}). stdout and stderr are kept up to a cap, with a note of what was dropped.
 * The script runs in a {@link ProcessGroup} of its own, which ends with the step and with this JVM.
 */
public final class ShellStep implements StepExecutor {

    /** Bytes kept of each of stdout and stderr. */
    public static final int OUTPUT_CAP = 256 * 1024;

    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public StepKindSpec spec() {
        return StepKindSpec.script("shell");
    }

    @Override
    public StepOutcome execute(StepCall call) throws InterruptedException {
        Path outputFile = null;
        Process process = null;
        try {
            outputFile = Files.createTempFile("opsbook-output-", ".env");
            ProcessBuilder builder = new ProcessBuilder(ProcessGroup.wrap(
                    List.of("bash", "--noprofile", "--norc", "-e", "-o", "pipefail", "-c", call.script())));
            builder.environment().putAll(call.environment());
            call.input().path("values").fields().forEachRemaining(v -> builder.environment().put(v.getKey(), v.getValue().asText()));
            builder.environment().put("OPSBOOK_OUTPUT", outputFile.toString());
            builder.environment().put("OPSBOOK_ATTEMPT", Integer.toString(call.attempt()));
            builder.directory(call.workingDirectory().toFile());
            builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            process = builder.start();
            Capture stdout = new Capture(process.getInputStream());
            Capture stderr = new Capture(process.getErrorStream());
            int exitCode;
            try {
                exitCode = process.waitFor();
            } catch (InterruptedException e) {
                kill(process);
                stdout.join();
                stderr.join();
                throw e;
            }
            stdout.join();
            stderr.join();
            ObjectNode result = JsonNodeFactory.instance.objectNode();
            result.put("exitCode", exitCode);
            result.put("stdout", stdout.text());
            result.put("stderr", stderr.text());
            JsonNode json = parseJson(stdout.text());
            if (json != null) {
                result.set("json", json);
            }
            if (exitCode != 0) {
                String lastLine = stderr.text().strip().lines().reduce((a, b) -> b).orElse("");
                return new StepOutcome.Failed("exit code " + exitCode + (lastLine.isEmpty() ? "" : ": " + lastLine), result);
            }
            try {
                String script = call.script() != null ? call.script() : call.step().body();
                return new StepOutcome.Succeeded(result, OutputFile.read(Files.readString(outputFile, StandardCharsets.UTF_8), script));
            } catch (OutputFile.Unreadable e) {
                return new StepOutcome.Failed(e.getMessage(), result);
            }
        } catch (IOException e) {
            return new StepOutcome.Failed("cannot run bash: " + e.getMessage(), null);
        } finally {
            if (process != null && process.isAlive()) {
                kill(process);
            }
            if (outputFile != null) {
                try {
                    Files.deleteIfExists(outputFile);
                } catch (IOException ignored) {
                    // a temp file left behind is harmless
                }
            }
        }
    }

    /** The script's whole process group, so none of it is left running or holding our pipes open. */
    private static void kill(Process process) {
        ProcessGroup.end(process);
    }

    static JsonNode parseJson(String text) {
        String trimmed = text.strip();
        if (!(trimmed.startsWith("{") || trimmed.startsWith("["))) {
            return null;
        }
        try {
            return JSON.readTree(trimmed);
        } catch (IOException e) {
            return null;
        }
    }

    /** Reads a stream on its own thread, keeping the first {@link #OUTPUT_CAP} bytes and counting the rest. */
    @Override
    public String describe(dev.opsbook.runbook.Step step, com.fasterxml.jackson.databind.JsonNode input) {
        String script = step.body().strip();
        return "ran the shell script `" + (script.length() > 300 ? script.substring(0, 299) + "…" : script) + "`"
                + (input == null || !input.path("values").isObject() || input.path("values").isEmpty() ? ""
                : " with the values " + input.path("values"));
    }

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
            }, "opsbook-shell-output");
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
