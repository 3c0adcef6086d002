package dev.opsbook.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.opsbook.audit.AuditEntry;
import dev.opsbook.audit.AuditVerifier;
import dev.opsbook.engine.Plan;
import dev.opsbook.engine.Redactor;
import dev.opsbook.engine.RunEvent;
import dev.opsbook.engine.RunState;
import dev.opsbook.engine.StepExecution;
import dev.opsbook.engine.StepStatus;
import dev.opsbook.graph.LoadedRunbook;
import dev.opsbook.graph.StepGraph;
import dev.opsbook.runbook.Diagnostic;
import dev.opsbook.runbook.Runbook;
import dev.opsbook.runbook.Trigger;
import dev.opsbook.service.RunAudits;
import dev.opsbook.service.RunView;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What the templates show, made from the model: plain public records, so Qute reads them by reflection. */
public final class Views {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneOffset.UTC);

    private Views() {
    }

    public record RunbookCard(String id, String title, String kind, String owner, String description, String file,
                              List<String> triggers, String problems) {
    }

    /** @param drill the game day the run is a drill of, empty for a real run */
    public record RunRow(String id, String runbookId, String status, String trigger, String startedBy, String startedAt,
                         String started, String waitingFor, String drill) {
    }

    public record RunSummary(String id, String runbookId, String title, String status, String trigger, String startedBy,
                             String startedAt, String started, String message, String drill) {
    }

    /** A step that waits for a person, and what the steps after it would do if the answer is yes. */
    /** @param stepId the step, or for an item of a for-each step its key ({@code allow[2]}): each item is answered on its own */
    public record WaitingStep(String stepId, String prompt, boolean answered, String answeredBy, List<NextStep> next) {
        /** The step's part of the answer's address. */
        public String path() {
            return java.net.URLEncoder.encode(stepId, java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    public record NextStep(String id, String kind, String input) {
    }

    public record PlanRow(String id, String kind, String note, String input) {
    }

    public record AuditRow(long seq, String at, String type, String hash, String shortHash) {
    }

    /** @param sealed whether the trail ends where the store sealed it (what {@code opsbook audit verify} checks) */
    public record AuditView(boolean present, String file, boolean valid, boolean sealed, long entries, List<String> problems,
                            List<AuditRow> rows) {
    }

    public static RunbookCard card(LoadedRunbook loaded) {
        Runbook runbook = loaded.runbook();
        return new RunbookCard(runbook.id(), runbook.title(), runbook.kind().name().toLowerCase(java.util.Locale.ROOT),
                runbook.owner(), runbook.description(), runbook.file(), runbook.triggers().stream().map(Trigger::patternJson).toList(),
                loaded.hasErrors() ? String.join("; ", loaded.errors().stream().map(Diagnostic::toString).toList()) : "");
    }

    public static RunRow row(RunView run) {
        return new RunRow(run.id(), run.runbookId(), run.status().label(), run.trigger(), run.startedBy(), run.startedAt().toString(),
                WHEN.format(run.startedAt()), run.waitingFor(), run.drill().orElse(""));
    }

    public static RunSummary summary(RunState state) {
        return new RunSummary(state.runId(), state.runbookId(), state.title(), state.status().label(), state.trigger(), state.startedBy(),
                state.startedAt().toString(), WHEN.format(state.startedAt()), state.message(), state.drill().orElse(""));
    }

    public static List<PlanRow> plan(Plan plan) {
        return plan.steps().stream().map(s -> new PlanRow(s.id(), s.kind(), note(plan, s),
                pretty(plan.redactor().json(s.input())))).toList();
    }

    private static String note(Plan plan, Plan.PlannedStep s) {
        List<String> parts = new ArrayList<>();
        if (!s.handlerFor().isEmpty()) {
            parts.add("runs only as the handler of " + String.join(", ", s.handlerFor()));
        }
        s.condition().ifPresent(c -> parts.add("if " + c));
        if (!s.attributes().isEmpty()) {
            parts.add(s.attributesText());
        }
        s.forEach().ifPresent(f -> parts.add(f.describe(plan.redactor())));
        return String.join("; ", parts);
    }

    /** Step id to status label for the graph; a handler that ran for several owners shows its last run. */
    public static Map<String, String> statuses(RunState state) {
        Map<String, String> statuses = new LinkedHashMap<>();
        for (StepExecution execution : state.executions().values()) {
            if (execution.role() == dev.opsbook.engine.Role.ITEM) {
                continue; // a for-each step shows its own status, not its last item's
            }
            statuses.put(execution.stepId(), execution.status().label());
        }
        return statuses;
    }

    public static List<WaitingStep> waiting(StepGraph graph, RunState state, Redactor redactor) {
        List<WaitingStep> waiting = new ArrayList<>();
        for (StepExecution execution : state.executions().values()) {
            if (execution.status() != StepStatus.WAITING) {
                continue;
            }
            String prompt = execution.input() == null ? "" : redactor.text(execution.input().path("prompt").asText(""));
            List<NextStep> next = dev.opsbook.service.NextSteps.after(graph, state, execution, redactor).stream()
                    .map(n -> new NextStep(n.id(), n.kind(), n.input())).toList();
            waiting.add(new WaitingStep(execution.role() == dev.opsbook.engine.Role.ITEM ? execution.key() : execution.stepId(), prompt, execution.answer().isPresent(),
                    execution.answer().map(a -> a.by() + (a.confirmed() ? " (approved)" : " (rejected)")).orElse(""), next));
        }
        return waiting;
    }

    public static Optional<String> event(RunState state, Redactor redactor) {
        return state.event() == null || state.event().isNull() ? Optional.empty() : Optional.of(pretty(redactor.json(state.event())));
    }

    /** The run's trail in the store, verified as {@code opsbook audit verify RUN} does: the chain, and its end against the seal. */
    public static AuditView audit(RunAudits audits, RunView run) {
        String where = "the store (run " + run.id() + ")";
        try {
            AuditVerifier.Verification verification = audits.verify(run.id());
            List<AuditRow> rows = new ArrayList<>();
            for (AuditEntry entry : audits.entries(run.id())) {
                rows.add(new AuditRow(entry.seq(), TIME.format(entry.at()), entry.type(), entry.hash(),
                        entry.hash().substring(0, Math.min(12, entry.hash().length()))));
            }
            return new AuditView(true, where, verification.valid(), verification.sealedBy() == AuditVerifier.SealedBy.STORE,
                    verification.entries(), verification.problems(), rows);
        } catch (RunAudits.Unavailable e) {
            return new AuditView(false, where, false, false, 0, List.of(e.getMessage()), List.of());
        }
    }

    static String pretty(JsonNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return String.valueOf(node);
        }
    }

    static String when(Instant instant) {
        return WHEN.format(instant);
    }
}
