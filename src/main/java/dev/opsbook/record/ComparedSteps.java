package dev.opsbook.record;

import dev.opsbook.engine.Redactor;
import dev.opsbook.engine.Role;
import dev.opsbook.engine.RunResult;
import dev.opsbook.engine.StepExecution;
import dev.opsbook.engine.StepStatus;
import dev.opsbook.runbook.Step;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The steps of two runs, row by row: each step of either runbook in reading order (a step only one runbook has where
 * it stands in that one), each handler execution under its step, for-each items summarized on their step's row.
 * Pure.
 */
public final class ComparedSteps {

    /** Text longer than this is shortened with an ellipsis: the whole is in each run's record. */
    static final int SHORT = 160;

    /** One execution (or a step that had none) in both runs; {@code changed}: status, outputs, message or answer differ. */
    public record Row(String key, String stepId, String role, Cell a, Cell b, boolean changed) {

        /** B's duration minus A's, when both ran to an end. */
        public Optional<Duration> delta() {
            return a.duration().flatMap(da -> b.duration().map(db -> db.minus(da)));
        }
    }

    /**
     * What became of a step in one run.
     *
     * @param status the step's status ({@code succeeded, rolled back} when its rollback ran), {@code not reached} for a
     *        step of the run's runbook that never started, {@code not run} for a handler, {@code not in runbook}
     * @param outputs its outputs as one line of JSON, secrets masked, shortened; empty when it has none
     * @param answer who answered a manual step or approval, how and when; empty otherwise
     * @param items a for-each step's items by status ({@code 3 items: 2 succeeded, 1 failed}); empty otherwise
     */
    public record Cell(String status, String outputs, String message, int attempts, Optional<Duration> duration, String answer,
                       String items) {

        static Cell absent(String status) {
            return new Cell(status, "", "", 0, Optional.empty(), "", "");
        }

        /** Whether the step started or was skipped in this run. */
        public boolean happened() {
            return !status.startsWith("not ");
        }
    }

    private ComparedSteps() {
    }

    static List<Row> of(RunResult a, RunResult b) {
        List<String> order = merged(ids(a), ids(b));
        Map<String, List<String>> keys = new LinkedHashMap<>();
        order.forEach(id -> keys.put(id, new ArrayList<>()));
        for (RunResult run : List.of(a, b)) {
            for (StepExecution x : run.state().executions().values()) {
                if (x.role() == Role.ITEM) {
                    continue; // summarized on their for-each step's row
                }
                List<String> ofStep = keys.computeIfAbsent(x.stepId(), id -> new ArrayList<>());
                if (!ofStep.contains(x.key())) {
                    ofStep.add(x.key());
                }
            }
        }
        List<Row> rows = new ArrayList<>();
        keys.forEach((stepId, executed) -> {
            if (executed.isEmpty() && !isHandler(a, stepId) && !isHandler(b, stepId)) {
                executed.add(stepId); // in the flow, started in neither run: a row says so
            }
            for (String key : executed) {
                rows.add(row(a, b, stepId, key));
            }
        });
        return rows;
    }

    private static Row row(RunResult a, RunResult b, String stepId, String key) {
        Optional<StepExecution> xa = a.state().execution(key);
        Optional<StepExecution> xb = b.state().execution(key);
        String role = xa.or(() -> xb).map(x -> x.role().label()).orElse(Role.NORMAL.label());
        Full fa = cell(a, stepId, key, xa);
        Full fb = cell(b, stepId, key, xb);
        boolean changed = !fa.cell.status().equals(fb.cell.status()) || !fa.outputs.equals(fb.outputs)
                || !fa.cell.message().equals(fb.cell.message()) || !fa.answered.equals(fb.answered)
                || !fa.cell.items().equals(fb.cell.items());
        return new Row(key, stepId, role, fa.cell, fb.cell, changed);
    }

    /** A cell and what it is compared by in full (outputs before shortening; the answer without its time). */
    private record Full(Cell cell, String outputs, String answered) {
    }

    private static Full cell(RunResult run, String stepId, String key, Optional<StepExecution> execution) {
        if (execution.isEmpty()) {
            Optional<Step> step = run.runbook().step(stepId);
            String status = step.isEmpty() ? "not in runbook" : isHandler(run, stepId) ? "not run" : "not reached";
            return new Full(Cell.absent(status), "", "");
        }
        StepExecution x = execution.get();
        Redactor redactor = run.redactor();
        String status = x.status().label() + (rolledBack(run, key) ? ", rolled back" : "");
        String outputs = x.outputs().isEmpty() ? "" : redactor.json(x.outputs()).toString();
        String answered = x.answer().map(answer -> answerVerb(run, stepId, answer.confirmed()) + " by " + answer.by()
                + (nonBlank(answer.comment()) ? ": " + redactor.text(answer.comment()) : "")).orElse("");
        String answer = x.answer().map(at -> answered + " at " + at.at()).orElse("");
        Cell cell = new Cell(status, shortened(outputs), shortened(redactor.text(x.message())), x.attempts().size(), x.duration(),
                shortened(answer), items(run, key));
        return new Full(cell, outputs, answered);
    }

    /** A rollback handler for this execution ran to success. */
    private static boolean rolledBack(RunResult run, String key) {
        return run.state().executions().values().stream().anyMatch(h -> h.role() == Role.ROLLBACK
                && h.forStep().map(key::equals).orElse(false) && h.status() == StepStatus.SUCCEEDED);
    }

    private static String items(RunResult run, String key) {
        Optional<com.fasterxml.jackson.databind.node.ArrayNode> listed = run.state().execution(key)
                .flatMap(dev.opsbook.engine.ForEachItems::items);
        if (listed.isEmpty()) {
            return "";
        }
        Map<String, Integer> byStatus = new TreeMap<>();
        int seen = 0;
        for (StepExecution x : run.state().executions().values()) {
            if (x.role() == Role.ITEM && x.forStep().map(key::equals).orElse(false)) {
                byStatus.merge(x.status().label(), 1, Integer::sum);
                seen++;
            }
        }
        int total = listed.get().size();
        if (total > seen) {
            byStatus.merge("not reached", total - seen, Integer::sum);
        }
        List<String> parts = new ArrayList<>();
        byStatus.forEach((status, count) -> parts.add(count + " " + status));
        return total + (total == 1 ? " item" : " items") + (parts.isEmpty() ? "" : ": " + String.join(", ", parts));
    }

    static String answerVerb(RunResult run, String stepId, boolean confirmed) {
        boolean approval = run.runbook().step(stepId).map(s -> s.has(dev.opsbook.runbook.StepKindSpec.Trait.APPROVAL)).orElse(false);
        return approval ? (confirmed ? "approved" : "rejected") : (confirmed ? "done" : "not done");
    }

    private static boolean isHandler(RunResult run, String stepId) {
        return run.runbook().steps().stream().anyMatch(s -> s.rollback().map(stepId::equals).orElse(false)
                || s.onFailure() instanceof dev.opsbook.runbook.FailurePolicy.Handler handler && handler.stepId().equals(stepId));
    }

    private static List<String> ids(RunResult run) {
        return run.runbook().steps().stream().map(Step::id).toList();
    }

    /**
     * B's steps in order, each step only A has placed right after the step A has before it (or first): a step
     * added or removed between two versions of a runbook shows where it stands.
     */
    static List<String> merged(List<String> a, List<String> b) {
        List<String> order = new ArrayList<>(new LinkedHashSet<>(b));
        Set<String> inB = Set.copyOf(order);
        for (int i = 0; i < a.size(); i++) {
            String id = a.get(i);
            if (inB.contains(id) || order.contains(id)) {
                continue;
            }
            int at = 0;
            for (int j = i - 1; j >= 0; j--) {
                int before = order.indexOf(a.get(j));
                if (before >= 0) {
                    at = before + 1;
                    break;
                }
            }
            order.add(at, id);
        }
        return order;
    }

    /** One line, at most {@value #SHORT} characters. */
    static String shortened(String text) {
        String line = text.replace("\r", "").replace('\n', ' ');
        return line.length() <= SHORT ? line : line.substring(0, SHORT - 1) + "…";
    }

    private static boolean nonBlank(String text) {
        return text != null && !text.isBlank();
    }
}
