package dev.opsbook.steps;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsbook.engine.StepCall;
import dev.opsbook.engine.StepExecutor;
import dev.opsbook.engine.StepOutcome;
import dev.opsbook.runbook.StepKindSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code shell}: the block is a bash script, run with {@code -e -o pipefail}, stdin closed.
 * Parameters are in its environment; what it writes to {@code $OPSBOOK_OUTPUT} becomes outputs
 * ({@link OutputFile}). stdout and stderr are kept up to a cap, with a note of what was dropped.
 * The script runs in a {@link ProcessGroup} of its own ({@link ScriptProcess}), which ends with the step and with this JVM.
 */
public final class ShellStep implements StepExecutor {

    /** Bytes kept of each of stdout and stderr. */
    public static final int OUTPUT_CAP = ScriptProcess.OUTPUT_CAP;

    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public StepKindSpec spec() {
        return StepKindSpec.script("shell");
    }

    @Override
    public StepOutcome execute(StepCall call) throws InterruptedException {
        Path outputFile = null;
        try {
            outputFile = Files.createTempFile("opsbook-output-", ".env");
            Map<String, String> environment = new HashMap<>(call.environment());
            call.input().path("values").fields().forEachRemaining(v -> environment.put(v.getKey(), v.getValue().asText()));
            environment.put("OPSBOOK_OUTPUT", outputFile.toString());
            environment.put("OPSBOOK_ATTEMPT", Integer.toString(call.attempt()));
            ScriptProcess.Ended ended = ScriptProcess.run(List.of("bash", "--noprofile", "--norc", "-e", "-o", "pipefail", "-c", call.script()),
                    environment, call.workingDirectory(), null);
            ObjectNode result = result(ended, parseJson(ended.stdout()));
            if (ended.exitCode() != 0) {
                return failed(ended, result);
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
            deleteQuietly(outputFile);
        }
    }

    /** The result document of a script kind: {@code exitCode}, {@code stdout}, {@code stderr}, and {@code json} when given. */
    static ObjectNode result(ScriptProcess.Ended ended, JsonNode json) {
        ObjectNode result = JsonNodeFactory.instance.objectNode();
        result.put("exitCode", ended.exitCode());
        result.put("stdout", ended.stdout());
        result.put("stderr", ended.stderr());
        if (json != null) {
            result.set("json", json);
        }
        return result;
    }

    /** A script that exited with other than 0: {@code exit code N}, and the last line of stderr. */
    static StepOutcome.Failed failed(ScriptProcess.Ended ended, ObjectNode result) {
        String lastLine = ended.stderr().strip().lines().reduce((a, b) -> b).orElse("");
        return new StepOutcome.Failed("exit code " + ended.exitCode() + (lastLine.isEmpty() ? "" : ": " + lastLine), result);
    }

    static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // a temp file left behind is harmless
            }
        }
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

    @Override
    public String describe(dev.opsbook.runbook.Step step, com.fasterxml.jackson.databind.JsonNode input) {
        String script = step.body().strip();
        return "ran the shell script `" + (script.length() > 300 ? script.substring(0, 299) + "…" : script) + "`"
                + (input == null || !input.path("values").isObject() || input.path("values").isEmpty() ? ""
                : " with the values " + input.path("values"));
    }
}
