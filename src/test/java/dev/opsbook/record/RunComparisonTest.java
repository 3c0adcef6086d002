package dev.opsbook.record;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsbook.engine.RunResult;
import dev.opsbook.graph.RunbookLoader;
import dev.opsbook.service.RunComparisons;
import dev.opsbook.steps.StandardSteps;
import dev.opsbook.store.JdbcRunStore;
import dev.opsbook.store.RunStore;
import dev.opsbook.testing.TwoVersions;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real runs of two versions of one runbook ({@link TwoVersions}), compared from what the store keeps of them: what a
 * reviewer reads after an incident to see what went differently.
 */
class RunComparisonTest {

    @TempDir
    static Path dir;

    private static RunStore store;
    private static TwoVersions runs;
    private static RunComparisons comparisons;
    private RunComparison comparison;

    @BeforeEach
    void compare() throws Exception {
        if (store == null) {
            String url = JdbcRunStore.embeddedUrl(dir.resolve("store"));
            store = JdbcRunStore.open(url, "", "");
            runs = TwoVersions.run(dir, url, store);
            comparisons = new RunComparisons(store, new RunbookLoader(StandardSteps.all().catalog()));
        }
        comparison = ((RunComparisons.Outcome.Compared) comparisons.compare(runs.runA(), runs.runB())).comparison();
    }

    /** //why: the two runs are made once for the class (each takes seconds on a loaded machine); the store stays open until the end */
    @AfterAll
    static void close() {
        store.close();
        store = null;
    }

    private Map<String, ComparedSteps.Row> steps() {
        return comparison.steps().stream().collect(Collectors.toMap(ComparedSteps.Row::key, Function.identity()));
    }

    @Test
    void the_outcome_and_total_durations_of_both_runs_are_side_by_side() {
        assertThat(comparison.sameRunbook()).isTrue();
        assertThat(comparison.a().status()).isEqualTo("failed");
        assertThat(comparison.b().status()).isEqualTo("succeeded");
        assertThat(comparison.outcomeChanged()).isTrue();
        assertThat(comparison.a().trigger()).isEqualTo("cli");
        assertThat(comparison.durationDelta()).contains(comparison.b().duration().orElseThrow().minus(comparison.a().duration().orElseThrow()));
    }

    @Test
    void parameters_are_same_changed_or_only_in_one_and_secrets_stay_masked() {
        Map<String, RunComparison.ParameterRow> params = comparison.parameters().stream()
                .collect(Collectors.toMap(RunComparison.ParameterRow::name, Function.identity()));
        assertThat(params.get("service").change()).isEqualTo(RunComparison.Change.CHANGED);
        assertThat(params.get("service").a()).contains("web");
        assertThat(params.get("service").b()).contains("api");
        assertThat(params.get("failAt").change()).isEqualTo(RunComparison.Change.CHANGED);
        assertThat(params.get("hosts").change()).isEqualTo(RunComparison.Change.SAME);
        assertThat(params.get("token").a()).contains("********");
        String everything = RunComparisonText.render(comparison) + RunComparisonJson.of(comparison);
        assertThat(everything).doesNotContain(TwoVersions.TOKEN_A).doesNotContain(TwoVersions.TOKEN_B);
    }

    @Test
    void each_step_says_whether_it_ran_failed_was_rolled_back_or_was_not_reached_in_each_run() {
        Map<String, ComparedSteps.Row> steps = steps();
        assertThat(steps.get("copy").a().status()).isEqualTo("succeeded, rolled back");
        assertThat(steps.get("copy").b().status()).isEqualTo("succeeded");
        assertThat(steps.get("copy").changed()).isTrue();
        assertThat(steps.get("restart").a().status()).isEqualTo("failed");
        assertThat(steps.get("restart").a().items()).isEqualTo("2 items: 1 failed, 1 succeeded");
        assertThat(steps.get("restart").b().items()).isEqualTo("2 items: 2 succeeded");
        assertThat(steps.get("old-step").a().status()).isEqualTo("not reached");
        assertThat(steps.get("old-step").b().status()).isEqualTo("not in runbook");
        assertThat(steps.get("tell").a().status()).isEqualTo("not in runbook");
        assertThat(steps.get("tell").b().status()).isEqualTo("succeeded");
        assertThat(steps.get("allow").changed()).as("approved in both, the same way").isFalse();
        assertThat(steps.get("allow").a().answer()).startsWith("approved by ");
        ComparedSteps.Row undo = comparison.steps().stream().filter(r -> r.stepId().equals("undo-copy")).findFirst().orElseThrow();
        assertThat(undo.role()).isEqualTo("rollback");
        assertThat(undo.a().status()).isEqualTo("succeeded");
        assertThat(undo.b().status()).isEqualTo("not run");
    }

    @Test
    void steps_keep_reading_order_with_a_removed_step_where_it_stood() {
        List<String> order = comparison.steps().stream().map(ComparedSteps.Row::stepId).distinct().toList();
        assertThat(order).containsSubsequence("check", "allow", "copy", "restart", "old-step", "tell", "undo-copy");
    }

    @Test
    void changed_outputs_are_flagged_and_shown_masked() {
        ComparedSteps.Row check = steps().get("check");
        assertThat(check.changed()).isTrue();
        assertThat(check.a().outputs()).contains("checked web with ********");
        assertThat(check.b().outputs()).contains("checked api twice with ********");
        assertThat(check.delta()).isPresent();
    }

    @Test
    void who_approved_each_run_and_when_is_listed() {
        assertThat(comparison.peopleA()).singleElement().satisfies(act -> {
            assertThat(act.step()).isEqualTo("allow");
            assertThat(act.what()).isEqualTo("approved");
        });
        assertThat(comparison.peopleB()).hasSize(1);
    }

    @Test
    void the_runbook_text_diff_shows_what_changed_between_the_versions() {
        RunbookTextDiff text = comparison.runbookText();
        assertThat(comparison.a().contentHash()).isNotEqualTo(comparison.b().contentHash());
        assertThat(text.changed()).isTrue();
        assertThat(text.unified()).first().asString().startsWith("--- ").contains(runs.runA());
        assertThat(text.unified()).contains("-echo \"checked $service with $token\"", "+echo \"checked $service twice with $token\"",
                "-```shell id=old-step", "+```shell id=tell");
    }

    @Test
    void the_same_run_twice_differs_in_nothing() {
        RunComparison same = ((RunComparisons.Outcome.Compared) comparisons.compare(runs.runB(), runs.runB())).comparison();
        assertThat(same.changedSteps()).isZero();
        assertThat(same.runbookText().changed()).isFalse();
        assertThat(same.outcomeChanged()).isFalse();
    }

    @Test
    void a_run_whose_runbook_text_is_not_kept_is_said_so_instead_of_a_diff() {
        RunbookLoader loader = new RunbookLoader(StandardSteps.all().catalog());
        RunResult a = RunResult.of(loader.load("restart.md", "").runbook(), store.events(runs.runA()));
        RunResult b = RunResult.of(loader.load("restart.md", store.runbookText(runs.runB()).orElseThrow()).runbook(), store.events(runs.runB()));
        RunbookTextDiff text = RunComparison.of(a, b).runbookText();
        assertThat(text.changed()).isTrue();
        assertThat(text.unified()).isEmpty();
        assertThat(text.missing()).hasValueSatisfying(m -> assertThat(m).contains("no runbook text for run " + runs.runA()));
    }

    @Test
    void an_unknown_run_is_named() {
        assertThat(comparisons.compare(runs.runA(), "no-such-run")).isEqualTo(new RunComparisons.Outcome.NoRun("no-such-run"));
        assertThat(comparisons.previous(runs.runB())).contains(runs.runA());
        assertThat(comparisons.previous(runs.runA())).isEmpty();
    }
}
