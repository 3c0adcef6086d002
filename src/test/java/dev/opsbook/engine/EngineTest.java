package dev.opsbook.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.opsbook.record.MarkdownRecord;
import dev.opsbook.steps.StandardSteps;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EngineTest {

    @TempDir
    Path workDir;

    private RunResult run(String fixture, Map<String, String> params) throws Exception {
        return Fixtures.run(fixture, params, Fixtures.answering(FixtureRun.Answers.YES), workDir, new RunControl(), RunListener.NONE);
    }

    @Test
    @FixtureRun("engine/rollback.md")
    void a_run_where_every_step_succeeds_runs_no_rollback(RunResult result) {
        assertThat(result.state().status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(result.state().executions().values()).extracting(StepExecution::role).containsOnly(Role.NORMAL);
        assertThat(MarkdownRecord.render(result))
                .contains("**Not run** · `undo-migrate` · runs only if the run fails")
                .doesNotContain("as rollback for");
    }

    @Test
    void a_failing_step_rolls_back_the_completed_steps_newest_first_and_the_record_shows_it() throws Exception {
        RunResult result = run("engine/rollback.md", Map.of("failAt", "switch"));

        assertThat(result.state().status()).isEqualTo(RunStatus.FAILED);
        assertThat(result.state().message()).contains("step 'switch' failed: exit code 4: cannot switch");
        List<String> rollbacks = result.state().executions().values().stream()
                .filter(x -> x.role() == Role.ROLLBACK).map(x -> x.stepId() + " for " + x.forStep().orElseThrow()).toList();
        assertThat(rollbacks).containsExactly("undo-migrate for migrate", "remove-copy for copy");
        assertThat(Files.exists(workDir.resolve("release"))).as("the rollback removed the release").isFalse();
        String record = MarkdownRecord.render(result);
        assertThat(record)
                .contains("status: failed")
                .contains("> ❌ **Failed** · `switch`")
                .contains("> ✅ **Succeeded** as rollback for `migrate` · `undo-migrate`")
                .contains("> ✅ **Succeeded** as rollback for `copy` · `remove-copy`")
                .contains("Then: rollback `undo-migrate` succeeded, rollback `remove-copy` succeeded.");
        assertThat(record.indexOf("`undo-migrate` started as rollback for `migrate`"))
                .isLessThan(record.indexOf("`remove-copy` started as rollback for `copy`"));
    }

    @Test
    void a_step_that_fails_before_others_complete_rolls_back_only_what_completed() throws Exception {
        RunResult result = run("engine/rollback.md", Map.of("failAt", "migrate"));

        assertThat(result.state().executions().values()).filteredOn(x -> x.role() == Role.ROLLBACK)
                .extracting(StepExecution::stepId).containsExactly("remove-copy");
        assertThat(result.state().execution("switch")).as("nothing after the failure starts").isEmpty();
        assertThat(MarkdownRecord.render(result)).contains("**Not run** · `switch` · the run ended before this step");
    }

    @Test
    void independent_branches_run_at_the_same_time() throws Exception {
        RunResult result = run("engine/parallel.md", Map.of());

        assertThat(result.state().status()).as(result.state().message()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(result.state().execution("join").orElseThrow().result().path("stdout").asText()).isEqualTo("joined\n");
        String record = MarkdownRecord.render(result);
        assertThat(record).contains("left done").contains("right done");
    }

    @Test
    @FixtureRun("engine/retry.md")
    void a_step_is_retried_until_it_succeeds_and_the_record_lists_each_attempt(RunResult result) {
        assertThat(result.state().status()).isEqualTo(RunStatus.SUCCEEDED);
        StepExecution flaky = result.state().execution("flaky").orElseThrow();
        assertThat(flaky.attempts()).extracting(Attempt::succeeded).containsExactly(false, false, true);
        String record = MarkdownRecord.render(result);
        assertThat(record)
                .contains("· 3 attempts")
                .contains("- Attempt 1: failed after")
                .contains("exit code 1: attempt 1: not yet")
                .contains("- Attempt 3: succeeded")
                .contains("attempt 1 failed: exit code 1: attempt 1: not yet; retrying in 10 ms")
                .contains("attempt 2 failed: exit code 1: attempt 2: not yet; retrying in 20 ms");
    }

    @Test
    void a_step_past_its_timeout_is_stopped_failed_and_rolled_back() throws Exception {
        RunResult result = run("engine/timeout.md", Map.of());

        assertThat(result.state().status()).isEqualTo(RunStatus.FAILED);
        StepExecution hang = result.state().execution("hang").orElseThrow();
        assertThat(hang.message()).isEqualTo("timed out after 300 ms");
        assertThat(hang.duration().orElseThrow()).isLessThan(java.time.Duration.ofSeconds(10));
        assertThat(Files.exists(workDir.resolve("should-not-exist"))).as("the script was killed").isFalse();
        assertThat(MarkdownRecord.render(result)).contains("> ❌ **Failed** · `hang`").contains("timed out after 300 ms");
    }

    @Test
    void a_step_past_its_timeout_ends_with_every_process_it_started_detached_ones_too() throws Exception {
        RunResult result = run("engine/timeout-detached.md", Map.of());

        assertThat(result.state().execution("hang").orElseThrow().message()).isEqualTo("timed out after 500 ms");
        long detached = dev.opsbook.testing.Processes.pidIn(workDir.resolve("detached.pid"));
        assertThat(detached).as("the script wrote the pid of its detached sleep").isPositive();
        try {
            dev.opsbook.testing.Eventually.until("the detached sleep " + detached + " ended with its step", java.time.Duration.ofSeconds(10),
                    () -> !dev.opsbook.testing.Processes.running(detached), () -> "");
        } finally {
            dev.opsbook.testing.Processes.kill(detached);
        }
    }

    @Test
    void a_run_past_its_time_limit_stops_its_steps_and_rolls_back() throws Exception {
        RunResult result = run("engine/run-timeout.md", Map.of());

        assertThat(result.state().status()).isEqualTo(RunStatus.FAILED);
        assertThat(result.state().message()).isEqualTo("the run timed out");
        assertThat(result.state().execution("slow").orElseThrow().message()).isEqualTo("the run timed out");
        assertThat(result.state().executions().values()).filteredOn(x -> x.role() == Role.ROLLBACK)
                .extracting(StepExecution::stepId).containsExactly("undo-quick");
        assertThat(MarkdownRecord.render(result)).contains("Run timed out after 400 ms");
    }

    @Test
    void the_time_a_run_waits_at_a_gate_does_not_count_against_its_time_limit() throws Exception {
        RunResult waiting = Fixtures.run("engine/gate-timeout.md", Map.of(), Interaction.NOBODY, workDir, new RunControl(), RunListener.NONE);
        assertThat(waiting.state().status()).isEqualTo(RunStatus.WAITING);
        Thread.sleep(1200); // longer than the whole 1 s limit

        List<RunEvent> history = new ArrayList<>(waiting.events());
        java.time.Instant now = java.time.Instant.now();
        history.add(new RunEvent.StepAnswered(now, "allow", new Interaction.Answer(true, "carol", "go", now, "opsbook approve")));
        RunRequest request = new RunRequest(Fixtures.load("engine/gate-timeout.md"), Map.of(), "tester", "test",
                Interaction.NOBODY, Optional.empty(), workDir);
        RunResult resumed;
        try (Engine engine = new Engine(StandardSteps.all())) {
            resumed = engine.resume(request, history, "tester", RunListener.NONE, new RunControl());
        }

        assertThat(resumed.state().status()).as(resumed.state().message()).isEqualTo(RunStatus.SUCCEEDED);
    }

    @Test
    void a_run_that_goes_on_from_its_stored_history_fails_a_step_reading_a_secret_parameter_instead_of_using_the_mask() throws Exception {
        RunResult waiting = Fixtures.run("engine/secret-after-gate.md", Map.of("password", "s3cr3t-canary"), Interaction.NOBODY, workDir,
                new RunControl(), RunListener.NONE);
        assertThat(waiting.state().status()).isEqualTo(RunStatus.WAITING);

        List<RunEvent> history = new ArrayList<>(waiting.events()); // as the store keeps them: the secret masked
        java.time.Instant now = java.time.Instant.now();
        history.add(new RunEvent.StepAnswered(now, "allow", new Interaction.Answer(true, "carol", "go", now, "opsbook approve")));
        RunRequest request = new RunRequest(Fixtures.load("engine/secret-after-gate.md"), Map.of(), "tester", "test",
                Interaction.NOBODY, Optional.empty(), workDir);
        RunResult resumed;
        try (Engine engine = new Engine(StandardSteps.all())) {
            resumed = engine.resume(request, history, "tester", RunListener.NONE, new RunControl());
        }

        assertThat(resumed.state().status()).isEqualTo(RunStatus.FAILED);
        assertThat(resumed.state().execution("set-password").orElseThrow().message())
                .contains("params.password is a secret, and the store does not keep secrets").contains("secret reference");
        assertThat(resumed.state().execution("by-variable").orElseThrow().message()).contains("params.password is a secret");
        assertThat(workDir.resolve("password-was-set")).doesNotExist();
        assertThat(workDir.resolve("variable-was-read")).doesNotExist();
    }

    @Test
    void a_run_resumed_after_its_time_limit_ran_out_gets_the_whole_limit_again_from_the_restart() throws Exception {
        Path naptime = Files.writeString(workDir.resolve("naptime"), "5");
        RunResult first = run("engine/restart-timeout.md", Map.of("naptime", naptime.toString()));
        assertThat(first.state().message()).isEqualTo("the run timed out");

        Files.writeString(naptime, "0.3");
        List<RunEvent> history = new ArrayList<>(first.events());
        history.add(new RunEvent.RunRestarted(java.time.Instant.now(), "tester", "nap", List.of("nap")));
        RunRequest request = new RunRequest(Fixtures.load("engine/restart-timeout.md"), Map.of(), "tester", "test",
                Interaction.NOBODY, Optional.empty(), workDir);
        RunResult resumed;
        try (Engine engine = new Engine(StandardSteps.all())) {
            resumed = engine.resume(request, history, "tester", RunListener.NONE, new RunControl());
        }

        // //why: 0.3 s of the 1 s limit; counted from the first start, the limit had run out before the restart
        assertThat(resumed.state().status()).as(resumed.state().message()).isEqualTo(RunStatus.SUCCEEDED);

        Files.writeString(naptime, "5");
        history = new ArrayList<>(first.events());
        history.add(new RunEvent.RunRestarted(java.time.Instant.now(), "tester", "nap", List.of("nap")));
        long before = System.nanoTime();
        try (Engine engine = new Engine(StandardSteps.all())) {
            resumed = engine.resume(request, history, "tester", RunListener.NONE, new RunControl());
        }
        assertThat(resumed.state().message()).as("the limit still holds after a restart").isEqualTo("the run timed out");
        assertThat(java.time.Duration.ofNanos(System.nanoTime() - before)).isBetween(java.time.Duration.ofMillis(900),
                java.time.Duration.ofSeconds(4));
    }

    @Test
    void cancelling_stops_the_running_step_and_the_record_says_cancelled() throws Exception {
        RunControl control = new RunControl();
        Path started = workDir.resolve("started");
        RunListener cancelOnceStarted = (event, state) -> {
            if (event instanceof RunEvent.StepStarted s && s.stepId().equals("long")) {
                Thread waiter = new Thread(() -> {
                    // //why: cancel only once the script is really running, as a person pressing Ctrl-C would
                    while (!Files.exists(started)) {
                        Thread.onSpinWait();
                    }
                    control.cancel("interrupted (Ctrl-C)");
                });
                waiter.setDaemon(true);
                waiter.start();
            }
        };
        RunResult result = Fixtures.run("engine/cancel.md", Map.of(), Interaction.NOBODY, workDir, control, cancelOnceStarted);

        assertThat(result.state().status()).isEqualTo(RunStatus.CANCELLED);
        assertThat(result.state().execution("long").orElseThrow().status()).isEqualTo(StepStatus.CANCELLED);
        assertThat(result.state().execution("after")).isEmpty();
        assertThat(Files.exists(workDir.resolve("finished"))).isFalse();
        assertThat(MarkdownRecord.render(result))
                .contains("status: cancelled")
                .contains("> ⏹️ **Cancelled** · `long`")
                .contains("Cancel requested: interrupted (Ctrl-C)")
                .contains("**Not run** · `after`");
    }

    @Test
    @FixtureRun("engine/conditions.md")
    void conditions_skip_steps_outputs_flow_to_later_steps_and_continue_keeps_going(RunResult result) {
        assertThat(result.state().status()).as(result.state().message()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(result.state().execution("only-prod").orElseThrow().status()).isEqualTo(StepStatus.SKIPPED);
        assertThat(result.state().execution("probe").orElseThrow().outputs().toString())
                .isEqualTo("{\"zone\":\"eu\",\"free\":42,\"name\":\"disk0\"}");
        assertThat(result.state().execution("use-output").orElseThrow().result().path("stdout").asText())
                .isEqualTo("disk disk0 has 42 free\n");
        assertThat(MarkdownRecord.render(result))
                .contains("> ⏭️ **Skipped** · `only-prod`")
                .contains("condition is false: params.env == 'production'")
                .contains("> ❌ **Failed** · `may-fail`");
    }

    @Test
    @FixtureRun("engine/literal-braces.md")
    void a_literal_double_brace_written_as_a_raw_string_template_reaches_the_script_as_written_inside_single_quotes(RunResult result) {
        assertThat(result.state().status()).as(result.state().message()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(result.state().execution("go-template").orElseThrow().result().path("stdout").asText())
                .isEqualTo("{{range .items}}{{.metadata.name}}{{end}}\nnode-1\n");
    }

    @Test
    @FixtureRun("engine/handler.md")
    void an_on_failure_handler_runs_and_then_the_run_fails(RunResult result) {
        assertThat(result.state().status()).isEqualTo(RunStatus.FAILED);
        StepExecution handler = result.state().execution("tell-someone/for-work").orElseThrow();
        assertThat(handler.role()).isEqualTo(Role.ON_FAILURE);
        assertThat(handler.result().path("stdout").asText()).isEqualTo("telling someone that failed\n");
        assertThat(result.state().executions().values()).filteredOn(x -> x.role() == Role.ROLLBACK)
                .as("the failed step itself is not rolled back").isEmpty();
    }

    @Test
    @FixtureRun(value = "engine/people.md", answers = FixtureRun.Answers.YES)
    void manual_steps_and_approvals_are_answered_and_the_record_says_by_whom(RunResult result) {
        assertThat(result.state().status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(result.runbook().steps()).extracting(s -> s.id()).containsExactly("tell-the-service-owner", "gate", "restart");
        String record = MarkdownRecord.render(result);
        assertThat(record)
                .contains("- [x] Tell the service owner *(✅ done by alice at")
                .contains("- [x] This one was already done, it is prose\n")
                .contains("Approved by **alice** (test)")
                .contains("“looks good”");
    }

    @Test
    @FixtureRun(value = "engine/people.md", answers = FixtureRun.Answers.NO)
    void a_rejected_approval_fails_the_run_before_the_gated_step(RunResult result) {
        assertThat(result.state().status()).isEqualTo(RunStatus.FAILED);
        assertThat(result.state().execution("tell-the-service-owner").orElseThrow().status()).isEqualTo(StepStatus.FAILED);
        assertThat(result.state().message()).contains("not done by bob: not today");
        assertThat(result.state().execution("restart")).isEmpty();
    }

    @Test
    @FixtureRun(value = "engine/named-approvers.md", answers = FixtureRun.Answers.YES)
    void an_approval_by_someone_its_approvers_do_not_list_is_refused_and_the_run_waits_for_one_of_them(RunResult result) {
        assertThat(result.state().status()).isEqualTo(RunStatus.WAITING);
        assertThat(result.state().execution("gate").orElseThrow().message()).startsWith(
                "approval refused: step 'gate' may be approved only by bob (its approvers:), and alice is not one of them;");
        assertThat(result.state().execution("after")).isEmpty();
        assertThat(MarkdownRecord.render(result)).doesNotContain("Approved by **alice**");
    }

    @Test
    @FixtureRun(value = "engine/named-approvers.md", answers = FixtureRun.Answers.NOBODY)
    void the_record_of_a_waiting_run_says_its_later_steps_are_not_reached_yet_not_that_the_run_ended(RunResult result) {
        assertThat(result.state().status()).isEqualTo(RunStatus.WAITING);
        assertThat(MarkdownRecord.render(result)).contains("**Not run** · `after` · not reached yet").doesNotContain("the run ended before");
    }

    @Test
    @FixtureRun(value = "engine/people.md", answers = FixtureRun.Answers.NOBODY)
    void with_nobody_to_ask_the_run_stops_waiting_and_says_why(RunResult result) {
        assertThat(result.state().status()).isEqualTo(RunStatus.WAITING);
        assertThat(result.state().message()).isEqualTo("waiting for a person at tell-the-service-owner");
        assertThat(MarkdownRecord.render(result))
                .contains("status: waiting")
                .contains("- [ ] Tell the service owner *(⏸️ waiting — no terminal to ask at; run it again from a terminal, or with --yes");
    }

    @Test
    void a_waiting_run_resumes_from_its_history_once_a_person_answers() throws Exception {
        RunResult waiting = Fixtures.run("engine/people.md", Map.of(), Interaction.NOBODY, workDir, new RunControl(), RunListener.NONE);
        assertThat(waiting.state().status()).isEqualTo(RunStatus.WAITING);

        List<RunEvent> history = new java.util.ArrayList<>(waiting.events());
        java.time.Instant now = java.time.Instant.now();
        history.add(new RunEvent.StepAnswered(now, "tell-the-service-owner", new Interaction.Answer(true, "carol", "told them", now, "opsbook approve")));
        List<RunEvent> heard = new CopyOnWriteArrayList<>();
        RunRequest request = new RunRequest(Fixtures.load("engine/people.md"), Map.of(), "tester", "test", Interaction.NOBODY,
                java.util.Optional.empty(), workDir);
        RunResult second = new Engine(dev.opsbook.steps.StandardSteps.all()).resume(request, history, "carol",
                (event, state) -> heard.add(event), new RunControl());

        assertThat(second.state().status()).as("the approval gate now waits in turn").isEqualTo(RunStatus.WAITING);
        assertThat(second.state().execution("tell-the-service-owner").orElseThrow().status()).isEqualTo(StepStatus.SUCCEEDED);
        assertThat(heard.get(0)).isInstanceOf(RunEvent.RunResumed.class);
        assertThat(second.state().runId()).isEqualTo(waiting.state().runId());

        List<RunEvent> again = new java.util.ArrayList<>(second.events());
        again.add(new RunEvent.StepAnswered(now, "gate", new Interaction.Answer(true, "dave", "", now, "opsbook approve")));
        RunResult done = new Engine(dev.opsbook.steps.StandardSteps.all()).resume(request, again, "dave", RunListener.NONE, new RunControl());

        assertThat(done.state().status()).as(done.state().message()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(done.state().execution("restart").orElseThrow().result().path("stdout").asText()).isEqualTo("restarting\n");
        String record = MarkdownRecord.render(done);
        assertThat(record).contains("- [x] Tell the service owner *(✅ done by carol at").contains("Approved by **dave** (opsbook approve)");
        assertThat(done.events().stream().filter(e -> e instanceof RunEvent.StepAnswered).count())
                .as("each answer is in the history once").isEqualTo(2);
    }

    @Test
    void secret_parameters_never_reach_the_record() throws Exception {
        RunResult result = run("engine/secrets.md", Map.of("token", "s3cr3t-value"));

        String record = MarkdownRecord.render(result);
        assertThat(record).doesNotContain("s3cr3t-value").contains("token: '********'").contains("token is ********");
        assertThat(dev.opsbook.record.JsonSummary.of(result, null).toString()).doesNotContain("s3cr3t-value");
        assertThat(result.state().execution("complain").orElseThrow().message()).isEqualTo("exit code 1: rejected token ********");
        assertThat(result.events().subList(1, result.events().size()).toString())
                .as("no event after the start holds the secret").doesNotContain("s3cr3t-value");
    }

    @Test
    void http_steps_send_rendered_requests_and_select_outputs_from_json_bodies() throws Exception {
        List<String> requests = new CopyOnWriteArrayList<>();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " " + body);
            String path = exchange.getRequestURI().getPath();
            int status = path.equals("/health") ? 200 : path.equals("/items") ? 201 : 404;
            byte[] answer = (path.equals("/health") ? "{\"status\":\"ok\"}" : path.equals("/items") ? "{\"id\":17}" : "no such thing")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        server.start();
        try {
            String base = "http://127.0.0.1:" + server.getAddress().getPort();
            RunResult result = run("engine/http.md", Map.of("baseUrl", base));

            assertThat(result.state().status()).as(result.state().message()).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(requests).containsExactly("GET /health ", "POST /items {\"name\":\"widget\",\"healthy\":\"ok\"}", "GET /missing ");
            assertThat(result.state().execution("create").orElseThrow().outputs().path("id").asInt()).isEqualTo(17);
            assertThat(result.state().execution("missing").orElseThrow().message()).isEqualTo("GET " + base + "/missing answered 404, expected 2xx");
            assertThat(MarkdownRecord.render(result)).contains("HTTP 201.").contains("\"id\" : 17");
        } finally {
            server.stop(0);
        }
    }
}
