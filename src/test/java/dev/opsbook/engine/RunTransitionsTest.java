package dev.opsbook.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RunTransitionsTest {

    private static final Instant T = Instant.parse("2026-12-01T10:00:00Z");
    private static final RunEvent STEP = new RunEvent.StepSkipped(T, "a", "condition is false");
    private static final RunEvent CANCEL = new RunEvent.CancelRequested(T, "cancelled by bob");
    private static final RunEvent TAKEN_OVER = new RunEvent.RunTakenOver(T, "b", "a");
    private static final RunEvent ANSWER = new RunEvent.StepAnswered(T, "allow", new Interaction.Answer(true, "carol", "", T, "approve"));
    private static final RunEvent RESOLVE = new RunEvent.StepResolved(T, "deploy", Resolution.RETRY, "carol", "");
    private static final RunEvent RESUME = new RunEvent.RunResumed(T, "opsbook serve");
    private static final RunEvent RESTART = new RunEvent.RunRestarted(T, "bob", "deploy", List.of("deploy"));

    private static RunEvent finish(RunStatus status) {
        return new RunEvent.RunFinished(T, status, "");
    }

    @Test
    void a_running_run_takes_its_steps_answers_a_resume_and_its_end() {
        assertThat(RunTransitions.next("r1", RunStatus.RUNNING, STEP)).isEqualTo(RunStatus.RUNNING);
        assertThat(RunTransitions.next("r1", RunStatus.RUNNING, CANCEL)).isEqualTo(RunStatus.RUNNING);
        assertThat(RunTransitions.next("r1", RunStatus.RUNNING, TAKEN_OVER)).isEqualTo(RunStatus.RUNNING);
        assertThat(RunTransitions.next("r1", RunStatus.RUNNING, ANSWER)).as("a terminal answering while it runs").isEqualTo(RunStatus.RUNNING);
        assertThat(RunTransitions.next("r1", RunStatus.RUNNING, RESUME)).isEqualTo(RunStatus.RUNNING);
        for (RunStatus end : RunStatus.values()) {
            assertThat(RunTransitions.next("r1", RunStatus.RUNNING, finish(end))).as("finished %s", end).isEqualTo(end);
        }
        assertRefused(RunStatus.RUNNING, RESOLVE, "run r1 is running: this event cannot follow");
        assertRefused(RunStatus.RUNNING, RESTART, "run r1 is running: this event cannot follow");
    }

    @Test
    void a_waiting_run_stays_waiting_when_answered_and_runs_again_with_anything_else() {
        assertThat(RunTransitions.next("r1", RunStatus.WAITING, ANSWER)).as("an answer alone resumes nothing").isEqualTo(RunStatus.WAITING);
        assertThat(RunTransitions.next("r1", RunStatus.WAITING, RESUME)).isEqualTo(RunStatus.RUNNING);
        assertThat(RunTransitions.next("r1", RunStatus.WAITING, STEP)).isEqualTo(RunStatus.RUNNING);
        assertThat(RunTransitions.next("r1", RunStatus.WAITING, CANCEL)).as("cancelling a waiting run").isEqualTo(RunStatus.RUNNING);
        assertThat(RunTransitions.next("r1", RunStatus.WAITING, finish(RunStatus.CANCELLED))).isEqualTo(RunStatus.CANCELLED);
        assertThat(RunTransitions.next("r1", RunStatus.WAITING, finish(RunStatus.WAITING))).isEqualTo(RunStatus.WAITING);
        assertRefused(RunStatus.WAITING, RESOLVE, "run r1 is waiting: this event cannot follow");
        assertRefused(RunStatus.WAITING, RESTART, "run r1 is waiting: this event cannot follow");
    }

    @Test
    void a_run_that_needs_attention_takes_only_a_resolution_until_it_is_taken_up_again() {
        assertThat(RunTransitions.next("r1", RunStatus.NEEDS_ATTENTION, RESOLVE)).isEqualTo(RunStatus.NEEDS_ATTENTION);
        assertThat(RunTransitions.next("r1", RunStatus.NEEDS_ATTENTION, RESUME)).isEqualTo(RunStatus.RUNNING);
        for (RunEvent refused : List.of(STEP, CANCEL, ANSWER, RESTART, finish(RunStatus.CANCELLED))) {
            assertRefused(RunStatus.NEEDS_ATTENTION, refused, "run r1 is needs-attention: this event cannot follow");
        }
    }

    @Test
    void a_failed_run_takes_only_a_restart_from_a_step() {
        assertThat(RunTransitions.next("r1", RunStatus.FAILED, RESTART)).isEqualTo(RunStatus.RUNNING);
        for (RunEvent refused : List.of(STEP, ANSWER, RESOLVE, RESUME, finish(RunStatus.SUCCEEDED))) {
            assertRefused(RunStatus.FAILED, refused, "run r1 has finished (failed): no event can follow");
        }
    }

    @Test
    void a_run_that_succeeded_or_was_cancelled_takes_nothing_more() {
        for (RunStatus end : List.of(RunStatus.SUCCEEDED, RunStatus.CANCELLED)) {
            for (RunEvent refused : List.of(STEP, CANCEL, ANSWER, RESOLVE, RESUME, RESTART, finish(RunStatus.FAILED))) {
                assertRefused(end, refused, "run r1 has finished (" + end.label() + "): no event can follow");
            }
        }
    }

    @Test
    void no_status_takes_a_second_start() {
        RunEvent start = started();
        for (RunStatus status : RunStatus.values()) {
            assertThat(RunTransitions.allowed(status, start)).as("from %s", status).isFalse();
        }
    }

    @Test
    void a_history_ends_in_the_status_its_events_lead_to_through_the_table() {
        List<RunEvent> history = List.of(started(), STEP, finish(RunStatus.WAITING), ANSWER, RESUME, STEP, finish(RunStatus.FAILED), RESTART);
        assertThat(RunTransitions.statusAfter(history)).isEqualTo(RunStatus.RUNNING);
        assertThat(RunTransitions.statusAfter(history.subList(0, 4))).isEqualTo(RunStatus.WAITING);
        assertThat(RunTransitions.statusAfter(history.subList(0, 7))).isEqualTo(RunStatus.FAILED);
        assertThat(RunTransitions.statusAfter(List.of(started(), finish(RunStatus.SUCCEEDED), STEP)))
                .as("the row follows whatever was stored: refusing is for whoever appends").isEqualTo(RunStatus.RUNNING);
    }

    @Test
    void the_status_after_an_event_the_table_refuses_is_still_the_one_it_leads_to() {
        assertThat(RunTransitions.statusAfter(RunStatus.SUCCEEDED, RESTART)).isEqualTo(RunStatus.RUNNING);
        assertThat(RunTransitions.statusAfter(RunStatus.CANCELLED, STEP)).isEqualTo(RunStatus.RUNNING);
        assertThat(RunTransitions.statusAfter(RunStatus.NEEDS_ATTENTION, ANSWER)).isEqualTo(RunStatus.NEEDS_ATTENTION);
        assertThat(RunTransitions.statusAfter(RunStatus.RUNNING, RESOLVE)).isEqualTo(RunStatus.RUNNING);
        assertThat(RunTransitions.statusAfter(RunStatus.FAILED, finish(RunStatus.SUCCEEDED))).isEqualTo(RunStatus.SUCCEEDED);
    }

    private static void assertRefused(RunStatus from, RunEvent event, String message) {
        assertThat(RunTransitions.allowed(from, event)).as("%s takes %s", from, event).isFalse();
        assertThat(RunTransitions.refusal("r1", from, event)).contains(message);
        assertThatThrownBy(() -> RunTransitions.next("r1", from, event)).isInstanceOf(IllegalStateException.class).hasMessage(message);
    }

    private static RunEvent started() {
        JsonNodeFactory json = JsonNodeFactory.instance;
        return new RunEvent.RunStarted(T, "r1", "deploy", "Deploy", "hash", json.objectNode(), json.objectNode(), "tester", "cli");
    }

    @Test
    void an_allowed_event_has_no_refusal() {
        assertThat(RunTransitions.refusal("r1", RunStatus.WAITING, ANSWER)).isEqualTo(Optional.empty());
    }
}
