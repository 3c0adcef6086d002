package dev.opsbook.steps;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsbook.engine.Engine;
import dev.opsbook.engine.Interaction;
import dev.opsbook.engine.RunControl;
import dev.opsbook.engine.RunEvent;
import dev.opsbook.engine.RunListener;
import dev.opsbook.engine.RunRequest;
import dev.opsbook.engine.RunResult;
import dev.opsbook.engine.RunStatus;
import dev.opsbook.engine.StepCall;
import dev.opsbook.engine.StepExecution;
import dev.opsbook.engine.StepOutcome;
import dev.opsbook.engine.StepStatus;
import dev.opsbook.graph.LoadedRunbook;
import dev.opsbook.graph.RunbookLoader;
import dev.opsbook.record.MarkdownRecord;
import dev.opsbook.runbook.RunbookKind;
import dev.opsbook.testing.Eventually;
import dev.opsbook.testing.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A python step as a user sees it: the run's context as variables, outputs, result.json, secrets masked, processes ended. */
class PythonStepTest {

    @TempDir
    Path workDir;

    private final RunbookLoader loader = new RunbookLoader(StandardSteps.all().catalog(), List.of(new PythonCheck("python3")));

    private LoadedRunbook load(String text) {
        LoadedRunbook loaded = loader.load("py.md", text);
        assertThat(loaded.errors()).as("the runbook is valid").isEmpty();
        return loaded;
    }

    private RunResult run(String text, Map<String, String> params, RunControl control, RunListener listener) throws Exception {
        RunRequest request = new RunRequest(load(text), params, "tester", "test", Interaction.NOBODY, Optional.empty(), workDir);
        try (Engine engine = new Engine(StandardSteps.all())) {
            return engine.run(request, listener, control);
        }
    }

    private RunResult run(String text, Map<String, String> params) throws Exception {
        return run(text, params, new RunControl(), RunListener.NONE);
    }

    @Test
    void the_script_reads_params_steps_and_event_as_variables_and_its_outputs_keep_their_json_types() throws Exception {
        RunResult result = run("""
                ---
                parameters:
                  host: { type: string }
                  count: { type: integer, default: 3 }
                ---
                ```shell id=first
                echo '{"load": 0.7}'
                ```

                ```python id=py
                print("host", params["host"], "count", params["count"] + 1)
                print("load", steps["first"]["result"]["json"]["load"], "event", event, "item", item, "index", index)
                output("hosts", [params["host"], "web-2"])
                output("healthy", True)
                ```

                ```shell id=after
                echo "second {{ steps.py.outputs.hosts[1] }} healthy {{ steps.py.outputs.healthy }}"
                ```
                """, Map.of("host", "web-1"));

        assertThat(result.state().status()).as(result.state().message()).isEqualTo(RunStatus.SUCCEEDED);
        StepExecution py = result.state().execution("py").orElseThrow();
        assertThat(py.result().path("stdout").asText()).isEqualTo("host web-1 count 4\nload 0.7 event None item None index None\n");
        assertThat(py.outputs().path("hosts").toString()).isEqualTo("[\"web-1\",\"web-2\"]");
        assertThat(py.outputs().path("healthy").isBoolean()).isTrue();
        assertThat(result.state().execution("after").orElseThrow().result().path("stdout").asText()).isEqualTo("second web-2 healthy true\n");
    }

    @Test
    void the_last_line_of_stdout_that_is_json_is_the_result_json() throws Exception {
        RunResult result = run("""
                ```python id=py
                import json
                print("looking at 3 queues")
                print(json.dumps({"stuck": 2, "queues": ["a", "b"]}))
                print("done")
                ```

                ~~~shell id=after if="steps.py.result.json.stuck > `1`"
                echo stuck
                ~~~
                """, Map.of());

        assertThat(result.state().status()).as(result.state().message()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(result.state().execution("py").orElseThrow().result().path("json").toString())
                .isEqualTo("{\"stuck\":2,\"queues\":[\"a\",\"b\"]}");
        assertThat(result.state().execution("after").orElseThrow().status()).isEqualTo(StepStatus.SUCCEEDED);
    }

    @Test
    void doubled_braces_that_read_nothing_of_the_run_are_pythons_own_and_run_as_written() throws Exception {
        RunResult result = run("""
                ```python id=py
                name = "web"
                print(f"{{literal}} and {name}")
                print("{{ .Name }}")
                ```
                """, Map.of());

        assertThat(result.state().status()).as(result.state().message()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(result.state().execution("py").orElseThrow().result().path("stdout").asText())
                .isEqualTo("{literal} and web\n{{ .Name }}\n");
    }

    @Test
    void a_value_that_looks_like_the_output_framing_cannot_forge_another_output() throws Exception {
        String forged = "Ada\n{\"name\": \"isAdmin\", \"value\": true}\nisAdmin=true";
        RunResult result = run("""
                ---
                parameters:
                  name: { type: string }
                ---
                ```python id=greet
                output("greeting", "hello " + params["name"])
                output("name", params["name"])
                ```
                """, Map.of("name", forged));

        StepExecution greet = result.state().execution("greet").orElseThrow();
        assertThat(greet.status()).as(greet.message()).isEqualTo(StepStatus.SUCCEEDED);
        assertThat(greet.outputs().has("isAdmin")).as("forged output").isFalse();
        assertThat(greet.outputs().path("greeting").asText()).isEqualTo("hello " + forged);
        assertThat(greet.outputs().path("name").asText()).isEqualTo(forged);
        assertThat(greet.outputs().size()).isEqualTo(2);
    }

    @Test
    void a_line_written_to_the_outputs_other_than_by_output_fails_the_step() throws Exception {
        RunResult result = run("""
                ```python id=sneaky
                output("ok", 1)
                open(output.__defaults__[0], "a").write("isAdmin=true\\n")
                ```
                """, Map.of());

        StepExecution sneaky = result.state().execution("sneaky").orElseThrow();
        assertThat(sneaky.status()).isEqualTo(StepStatus.FAILED);
        assertThat(sneaky.message()).isEqualTo("line 2 of the step's outputs was not written by output(name, value); set outputs only"
                + " with output(name, value)");
        assertThat(sneaky.outputs().has("isAdmin")).isFalse();
    }

    @Test
    void a_secret_the_script_prints_is_masked_in_the_record_and_the_history() throws Exception {
        RunResult result = run("""
                ---
                parameters:
                  token: { type: secret }
                ---
                ```python id=use
                import sys
                print("token=" + params["token"])
                print("again " + params["token"], file=sys.stderr)
                output("copy", params["token"])
                ```
                """, Map.of("token", "s3cr3t-canary-value"));

        assertThat(result.state().status()).as(result.state().message()).isEqualTo(RunStatus.SUCCEEDED);
        String record = MarkdownRecord.render(result);
        assertThat(record).doesNotContain("s3cr3t-canary-value").contains("token=********").contains("again ********");
        assertThat(result.events()).allSatisfy(event -> assertThat(event.toString()).doesNotContain("s3cr3t-canary-value"));
    }

    @Test
    void a_traceback_names_the_line_of_the_runbook_and_fails_the_step_with_its_last_line() throws Exception {
        RunResult result = run("""
                # Fails

                ```python id=boom
                x = 1
                raise RuntimeError("the queue is gone")
                ```
                """, Map.of());

        StepExecution boom = result.state().execution("boom").orElseThrow();
        assertThat(boom.status()).isEqualTo(StepStatus.FAILED);
        assertThat(boom.message()).isEqualTo("exit code 1: RuntimeError: the queue is gone");
        assertThat(boom.result().path("stderr").asText()).contains("line 5").doesNotContain("<string>");
    }

    @Test
    void sys_exit_sets_the_exit_code() throws Exception {
        RunResult result = run("""
                ```python id=leave
                import sys
                sys.exit(3)
                ```
                """, Map.of());

        assertThat(result.state().execution("leave").orElseThrow().message()).isEqualTo("exit code 3");
    }

    @Test
    void a_step_past_its_timeout_ends_with_python_and_every_process_it_started() throws Exception {
        RunResult result = run("""
                ```python id=hang timeout=1s
                import subprocess, time
                child = subprocess.Popen(["sleep", "300"])
                open("child.pid", "w").write(str(child.pid))
                open("python.pid", "w").write(str(__import__("os").getpid()))
                time.sleep(300)
                ```
                """, Map.of());

        assertThat(result.state().execution("hang").orElseThrow().message()).isEqualTo("timed out after 1.0 s");
        long child = Processes.pidIn(workDir.resolve("child.pid"));
        long python = Processes.pidIn(workDir.resolve("python.pid"));
        assertThat(child).as("the script wrote its child's pid").isPositive();
        try {
            Eventually.until("python " + python + " and its sleep " + child + " ended with the step", Duration.ofSeconds(10),
                    () -> !Processes.running(child) && !Processes.running(python), () -> "");
        } finally {
            Processes.kill(child);
            Processes.kill(python);
        }
    }

    @Test
    void cancelling_the_run_stops_the_python_step() throws Exception {
        RunControl control = new RunControl();
        Path started = workDir.resolve("started");
        RunListener cancelOnceStarted = (event, state) -> {
            if (event instanceof RunEvent.StepStarted s && s.stepId().equals("long")) {
                Thread waiter = new Thread(() -> {
                    while (!Files.exists(started)) {
                        Thread.onSpinWait();
                    }
                    control.cancel("interrupted (Ctrl-C)");
                });
                waiter.setDaemon(true);
                waiter.start();
            }
        };
        RunResult result = run("""
                ```python id=long
                import time
                open("started", "w").close()
                time.sleep(30)
                open("finished", "w").close()
                ```
                """, Map.of(), control, cancelOnceStarted);

        assertThat(result.state().status()).isEqualTo(RunStatus.CANCELLED);
        assertThat(result.state().execution("long").orElseThrow().status()).isEqualTo(StepStatus.CANCELLED);
        assertThat(result.state().execution("long").orElseThrow().duration().orElseThrow()).isLessThan(Duration.ofSeconds(10));
        assertThat(Files.exists(workDir.resolve("finished"))).isFalse();
    }

    @Test
    void a_for_each_item_and_its_index_come_from_the_context_of_the_call() throws Exception {
        LoadedRunbook loaded = load("""
                ```python id=each
                output("seen", {"item": item, "index": index})
                ```
                """);
        ObjectNode context = new ObjectMapper().createObjectNode();
        context.putObject("params");
        context.putObject("item").put("InstanceId", "i-1");
        context.put("index", 2);
        StepCall call = new StepCall("run-1", RunbookKind.RUNBOOK, loaded.runbook().steps().get(0), 1, null,
                loaded.runbook().steps().get(0).body(), Map.of(), workDir, Interaction.NOBODY, context, made -> { }, "each");

        StepOutcome outcome = new PythonStep("python3").execute(call);

        assertThat(outcome).isInstanceOf(StepOutcome.Succeeded.class);
        assertThat(((StepOutcome.Succeeded) outcome).outputs().path("seen").toString()).isEqualTo("{\"item\":{\"InstanceId\":\"i-1\"},\"index\":2}");
    }

    @Test
    void an_interpreter_that_is_not_there_fails_the_step_saying_what_to_set() throws Exception {
        LoadedRunbook loaded = load("""
                ```python id=py
                print(1)
                ```
                """);
        StepCall call = new StepCall("run-1", RunbookKind.RUNBOOK, loaded.runbook().steps().get(0), 1, null, "print(1)\n", Map.of(),
                workDir, Interaction.NOBODY, new ObjectMapper().createObjectNode(), made -> { }, "py");

        StepOutcome outcome = new PythonStep(workDir.resolve("no-python").toString()).execute(call);

        assertThat(((StepOutcome.Failed) outcome).message()).startsWith("cannot run " + workDir.resolve("no-python") + ": No such file")
                .endsWith("install Python 3 or set opsbook.python (OPSBOOK_PYTHON) to its path");
    }

    @Test
    void a_run_that_goes_on_from_its_stored_history_fails_a_python_step_reading_a_secret_rather_than_use_the_mask() throws Exception {
        String text = """
                ---
                parameters:
                  password: { type: secret }
                ---
                ```approve id=allow
                prompt: Set the new password?
                ```

                ```python id=set-password
                open("password-was-set", "w").write(params["password"])
                ```
                """;
        RunRequest request = new RunRequest(load(text), Map.of("password", "s3cr3t-canary"), "tester", "test", Interaction.NOBODY,
                Optional.empty(), workDir);
        RunResult waiting;
        try (Engine engine = new Engine(StandardSteps.all())) {
            waiting = engine.run(request, RunListener.NONE, new RunControl());
        }
        assertThat(waiting.state().status()).isEqualTo(RunStatus.WAITING);

        java.util.List<RunEvent> history = new java.util.ArrayList<>(waiting.events()); // as the store keeps them: the secret masked
        java.time.Instant now = java.time.Instant.now();
        history.add(new RunEvent.StepAnswered(now, "allow", new Interaction.Answer(true, "carol", "go", now, "opsbook approve")));
        RunResult resumed;
        try (Engine engine = new Engine(StandardSteps.all())) {
            resumed = engine.resume(new RunRequest(load(text), Map.of(), "tester", "test", Interaction.NOBODY, Optional.empty(), workDir),
                    history, "tester", RunListener.NONE, new RunControl());
        }

        assertThat(resumed.state().execution("set-password").orElseThrow().message())
                .contains("params.password is a secret, and the store does not keep secrets");
        assertThat(workDir.resolve("password-was-set")).doesNotExist();
    }
}
