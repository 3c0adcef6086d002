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
 * {@code python}: the block is a Python 3 program, run by the configured interpreter
 * ({@code opsbook.python}, default {@code python3}) in a {@link ProcessGroup} of its own, like a
 * shell script. The run's context is given to it as data, never pasted into its code: a small
 * prelude reads JSON on standard input and defines {@code params}, {@code steps}, {@code event},
 * {@code run}, {@code item} and {@code index}, and {@code output(name, value)}, before it runs the
 * body (compiled with the runbook's line numbers, so a traceback points into the runbook).
 * Outputs travel as one JSON line each ({@link PythonOutputs}), so no value can forge another.
 */
public final class PythonStep implements StepExecutor {

    /** The interpreter when {@code opsbook.python} is not set. */
    public static final String DEFAULT_INTERPRETER = "python3";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String FIX = "; install Python 3 or set opsbook.python (OPSBOOK_PYTHON) to its path";
    /** bash's status, and the start of its message, when the process group's guard cannot find the interpreter. */
    private static final int NOT_FOUND = 127;
    private static final String GUARD_SAYS = "opsbook-step: ";

    //why: read the context from stdin, then give the program /dev/null there, as a shell step has
    private static final String PRELUDE = """
            import json as _json, os as _os, re as _re, sys as _sys, traceback as _traceback
            _given = _json.loads(_sys.stdin.buffer.read().decode("utf-8"))
            _null = _os.open(_os.devnull, _os.O_RDONLY); _os.dup2(_null, 0); _os.close(_null)
            _sys.stdin = open(0, closefd=False)
            def output(name, value, _file=_given["outputs"], _json=_json, _re=_re):
                \"""Sets the step's output NAME (steps.ID.outputs.NAME) to VALUE, anything json.dumps can write.\"""
                if not isinstance(name, str) or not _re.fullmatch(r"[A-Za-z_][A-Za-z0-9_-]*", name):
                    raise ValueError("output name must be letters, digits, _ and -, starting with a letter or _: %r" % (name,))
                line = _json.dumps({"name": name, "value": value}, ensure_ascii=True, allow_nan=False)
                with open(_file, "a", encoding="utf-8") as f:
                    f.write(line + "\\n")
            _context = _given["context"]
            _globals = {"__name__": "__main__", "__builtins__": __builtins__, "output": output,
                        "params": _context.get("params"), "steps": _context.get("steps"), "event": _context.get("event"),
                        "run": _context.get("run"), "item": _context.get("item"), "index": _context.get("index")}
            _code = compile("\\n" * _given["line"] + _given["script"], _given["file"], "exec", dont_inherit=True)
            del _given, _context
            try:
                exec(_code, _globals)
            except SystemExit:
                raise
            except BaseException as _e:
                _traceback.print_exception(type(_e), _e, _e.__traceback__.tb_next)
                _sys.exit(1)
            """;

    private final String interpreter;

    public PythonStep(String interpreter) {
        this.interpreter = interpreter;
    }

    public String interpreter() {
        return interpreter;
    }

    @Override
    public StepKindSpec spec() {
        return StepKindSpec.script("python").withTraits(StepKindSpec.Trait.PROGRAM);
    }

    @Override
    public StepOutcome execute(StepCall call) throws InterruptedException {
        Path outputs = null;
        try {
            outputs = Files.createTempFile("opsbook-outputs-", ".jsonl");
            Map<String, String> environment = new HashMap<>(call.environment());
            environment.put("OPSBOOK_ATTEMPT", Integer.toString(call.attempt()));
            ScriptProcess.Ended ended = ScriptProcess.run(List.of(interpreter, "-c", PRELUDE), environment, call.workingDirectory(),
                    given(call, outputs));
            ObjectNode result = ShellStep.result(ended, lastJson(ended.stdout()));
            if (ended.exitCode() == NOT_FOUND && ended.stderr().startsWith(GUARD_SAYS)) {
                return new StepOutcome.Failed("cannot run " + interpreter + ": " + ended.stderr().strip().replaceFirst("^.*: ", "") + FIX, result);
            }
            if (ended.exitCode() != 0) {
                return ShellStep.failed(ended, result);
            }
            try {
                return new StepOutcome.Succeeded(result, PythonOutputs.read(Files.readString(outputs, StandardCharsets.UTF_8)));
            } catch (PythonOutputs.Unreadable e) {
                return new StepOutcome.Failed(e.getMessage(), result);
            }
        } catch (IOException e) {
            return new StepOutcome.Failed("cannot run " + interpreter + ": " + PythonCheck.why(e) + FIX, null);
        } finally {
            ShellStep.deleteQuietly(outputs);
        }
    }

    /** What the prelude reads on standard input: the context (secret values in it: never recorded), the program, where outputs go. */
    private static byte[] given(StepCall call, Path outputs) throws IOException {
        JsonNode context = call.context() == null ? JsonNodeFactory.instance.objectNode() : call.context();
        ObjectNode given = JsonNodeFactory.instance.objectNode();
        given.set("context", context);
        given.put("script", call.step().body());
        given.put("line", call.step().position().line());
        given.put("file", "<" + call.environment().getOrDefault("OPSBOOK_RUNBOOK", "runbook") + " step " + call.step().id() + ">");
        given.put("outputs", outputs.toString());
        return JSON.writeValueAsBytes(given);
    }

    /** The whole of stdout when it is a JSON object or array, else its last line that is one. */
    static JsonNode lastJson(String stdout) {
        JsonNode whole = ShellStep.parseJson(stdout);
        if (whole != null) {
            return whole;
        }
        List<String> lines = stdout.lines().toList();
        for (int i = lines.size() - 1; i >= 0; i--) {
            JsonNode json = ShellStep.parseJson(lines.get(i));
            if (json != null) {
                return json;
            }
        }
        return null;
    }

    @Override
    public String describe(dev.opsbook.runbook.Step step, JsonNode input) {
        String script = step.body().strip();
        return "ran the python program `" + (script.length() > 300 ? script.substring(0, 299) + "…" : script) + "`";
    }
}
