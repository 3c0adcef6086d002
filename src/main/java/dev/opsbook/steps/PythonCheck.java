package dev.opsbook.steps;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.opsbook.graph.RunbookCheck;
import dev.opsbook.runbook.Diagnostic;
import dev.opsbook.runbook.Position;
import dev.opsbook.runbook.Runbook;
import dev.opsbook.runbook.Step;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Validation of a runbook's {@code python} steps by the interpreter that will run them: that it
 * can be started and is Python 3, and that each body compiles, a syntax error placed at its line
 * in the runbook. Runbooks with no python step cost nothing: no process is started for them. One
 * process checks all of a runbook's bodies, and what a body compiled to is remembered, so a
 * runbook read again (a record rendered, a folder rescanned) starts none.
 *
 * <p>Unlike most {@link RunbookCheck}s this one does I/O: it starts the interpreter.
 *
 * //why: {@code compile()} in one process rather than {@code python3 -m py_compile FILE} per step:
 * py_compile is that same {@code compile()} call on a file's text, and one process for all bodies,
 * fed on stdin, needs no temporary files and starts the interpreter once.
 */
public final class PythonCheck implements RunbookCheck {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long TIME_LIMIT_SECONDS = 20;
    private static final int REMEMBERED = 2000;

    private static final String CHECKER = """
            import json, sys, warnings
            warnings.simplefilter("ignore")
            found = []
            for source in json.loads(sys.stdin.buffer.read().decode("utf-8")):
                try:
                    compile(source, "<step>", "exec", dont_inherit=True)
                    found.append(None)
                except SyntaxError as e:
                    found.append({"line": e.lineno or 1, "column": e.offset or 1, "message": e.msg})
                except ValueError as e:
                    found.append({"line": 1, "column": 1, "message": str(e)})
            print(json.dumps({"major": sys.version_info[0], "found": found}))
            """;

    /** A body's syntax error, or none: by interpreter and body, for every loader of this process (the CLI makes one per use). */
    private static final Map<String, Optional<JsonNode>> COMPILED = new ConcurrentHashMap<>();
    private final String interpreter;
    private final String kind;

    public PythonCheck(String interpreter) {
        this.interpreter = interpreter;
        this.kind = new PythonStep(interpreter).spec().name();
    }

    @Override
    public List<Diagnostic> check(Runbook runbook) {
        List<Step> steps = runbook.steps().stream().filter(s -> kind.equals(s.kind()) && s.body() != null && !s.body().isBlank()).toList();
        if (steps.isEmpty()) {
            return List.of();
        }
        List<Step> unknown = steps.stream().filter(s -> !COMPILED.containsKey(key(s))).toList();
        if (!unknown.isEmpty()) {
            try {
                List<Optional<JsonNode>> found = compile(unknown);
                if (COMPILED.size() > REMEMBERED) {
                    COMPILED.clear();
                }
                for (int i = 0; i < unknown.size(); i++) {
                    COMPILED.put(key(unknown.get(i)), found.get(i));
                }
            } catch (Unavailable e) {
                return List.of(Diagnostic.error(runbook.file(), steps.get(0).position(), e.getMessage()));
            }
        }
        List<Diagnostic> diagnostics = new ArrayList<>();
        for (Step step : steps) {
            COMPILED.getOrDefault(key(step), Optional.empty()).ifPresent(error -> diagnostics.add(Diagnostic.error(runbook.file(),
                    new Position(step.position().line() + error.path("line").asInt(1), step.span().indent() + Math.max(1, error.path("column").asInt(1))),
                    "python syntax error: " + error.path("message").asText())));
        }
        return diagnostics;
    }

    /** "No such file or directory", not Java's "Cannot run program "x": error=2, No such file or directory". */
    static String why(IOException e) {
        String message = String.valueOf(e.getMessage());
        return message.replaceFirst("^Cannot run program \"[^\"]*\"(?: \\(in directory [^)]*\\))?: ", "").replaceFirst("^error=\\d+, ", "");
    }

    private String key(Step step) {
        return interpreter + "\0" + step.body();
    }

    private static final class Unavailable extends Exception {
        Unavailable(String message) {
            super(message);
        }
    }

    private List<Optional<JsonNode>> compile(List<Step> steps) throws Unavailable {
        String fix = "; install Python 3 or set opsbook.python (OPSBOOK_PYTHON) to its path";
        ArrayNode sources = JsonNodeFactory.instance.arrayNode();
        steps.forEach(step -> sources.add(step.body()));
        Process process;
        try {
            process = new ProcessBuilder(interpreter, "-c", CHECKER).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            throw new Unavailable("python steps need Python 3, but '" + interpreter + "' cannot be run (" + why(e) + ")" + fix);
        }
        try {
            try (OutputStream in = process.getOutputStream()) {
                in.write(JSON.writeValueAsBytes(sources));
            } catch (IOException e) {
                // it ended before reading: its answer (none) says so below
            }
            byte[] answer = process.getInputStream().readAllBytes();
            if (!process.waitFor(TIME_LIMIT_SECONDS, TimeUnit.SECONDS)) {
                throw new Unavailable("python steps need Python 3, but '" + interpreter + "' did not answer within "
                        + TIME_LIMIT_SECONDS + "s" + fix);
            }
            JsonNode read = answer.length == 0 ? null : JSON.readTree(new String(answer, StandardCharsets.UTF_8).strip());
            if (process.exitValue() != 0 || read == null || read.path("major").asInt() != 3 || read.path("found").size() != steps.size()) {
                throw new Unavailable("python steps need Python 3, but '" + interpreter + "' is not it" + fix);
            }
            List<Optional<JsonNode>> found = new ArrayList<>();
            read.path("found").forEach(error -> found.add(error.isNull() ? Optional.empty() : Optional.of(error)));
            return found;
        } catch (IOException e) {
            throw new Unavailable("python steps need Python 3, but '" + interpreter + "' did not answer (" + e.getMessage() + ")" + fix);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unavailable("the check of python steps was interrupted");
        } finally {
            process.destroyForcibly();
        }
    }
}
