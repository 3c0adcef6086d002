package dev.opsbook.record;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.opsbook.engine.Attempt;
import dev.opsbook.engine.Interaction;
import dev.opsbook.engine.Redactor;
import dev.opsbook.engine.Role;
import dev.opsbook.engine.RunEvent;
import dev.opsbook.engine.RunResult;
import dev.opsbook.engine.RunState;
import dev.opsbook.engine.RunStatus;
import dev.opsbook.engine.StepExecution;
import dev.opsbook.engine.StepStatus;
import dev.opsbook.audit.AuditSummary;
import dev.opsbook.graph.StepGraph;
import dev.opsbook.runbook.Durations;
import dev.opsbook.runbook.Runbook;
import dev.opsbook.runbook.Step;
import dev.opsbook.runbook.StepKindSpec;
import dev.opsbook.runbook.StepForm;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * A run written as Markdown: the runbook as it was executed. Front matter says which run of
 * which runbook (by content hash), who started it and how it ended; then comes the runbook's own
 * text, unchanged, with what happened written under each step; then the timeline. Secrets are
 * masked everywhere.
 */
public final class MarkdownRecord {

    /** Output longer than this many lines is folded into a {@code <details>} block. */
    static final int OPEN_LINES = 12;

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final RunResult result;
    private final Runbook runbook;
    private final RunState state;
    private final Redactor redactor;
    private final StepGraph graph;
    private final Optional<AuditSummary> audit;

    private final Optional<String> parentRunbook;

    private MarkdownRecord(RunResult result, Optional<AuditSummary> audit, Optional<String> parentRunbook) {
        this.audit = audit;
        this.parentRunbook = parentRunbook;
        this.graph = StepGraph.of(result.runbook());
        this.result = result;
        this.runbook = result.runbook();
        this.state = result.state();
        this.redactor = result.redactor();
    }

    public static String render(RunResult result) {
        return new MarkdownRecord(result, Optional.empty(), Optional.empty()).render();
    }

    /** With the run's audit trail named, counted and sealed by its final hash. */
    public static String render(RunResult result, Optional<AuditSummary> audit) {
        return render(result, audit, Optional.empty());
    }

    /** With a child run's parent linked, when the runbook of the parent is known ({@code parentRunbook}). */
    public static String render(RunResult result, Optional<AuditSummary> audit, Optional<String> parentRunbook) {
        return new MarkdownRecord(result, audit, parentRunbook).render();
    }

    private String render() {
        StringBuilder out = new StringBuilder();
        frontMatter(out);
        header(out);
        body(out);
        timeline(out);
        auditSection(out);
        return inLineEndingsOf(runbook.text(), redactor.text(out.toString()));
    }

    /** The record ends its lines as the runbook's first line ends: what opsbook writes into a CRLF file must not end in LF. */
    static String inLineEndingsOf(String runbook, String record) {
        int newline = runbook.indexOf('\n');
        boolean crlf = newline > 0 && runbook.charAt(newline - 1) == '\r';
        return crlf ? record.replace("\r\n", "\n").replace("\n", "\r\n") : record;
    }

    // ---- front matter and header -----------------------------------------------------------

    private void frontMatter(StringBuilder out) {
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("run", state.runId());
        meta.put("runbook", runbook.id());
        meta.put("title", runbook.title());
        meta.put("kind", runbook.kind().label());
        meta.put("source", runbook.file());
        // //why: the run's own hash: the runbook text kept with a stored run has its secret defaults masked
        meta.put("contentSha256", state.contentHash());
        meta.put("status", state.status().label());
        if (!state.message().isEmpty()) {
            meta.put("reason", state.message());
        }
        meta.put("startedBy", state.startedBy());
        meta.put("trigger", state.trigger());
        state.drill().ifPresent(gameDay -> meta.put("drill", gameDay));
        meta.put("startedAt", state.startedAt().toString());
        state.endedAt().ifPresent(end -> meta.put("endedAt", end.toString()));
        meta.put("parameters", parameters());
        if (state.event() != null) {
            Map<String, Object> event = new LinkedHashMap<>();
            event.put("id", state.event().path("id").asText());
            event.put("source", state.event().path("source").asText());
            event.put("detail-type", state.event().path("detail-type").asText());
            meta.put("event", event);
        }
        audit.ifPresent(a -> {
            Map<String, Object> trail = new LinkedHashMap<>();
            trail.put("file", a.file().getFileName().toString());
            trail.put("entries", a.entries());
            trail.put("finalSha256", a.finalHash());
            meta.put("audit", trail);
        });
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        options.setSplitLines(false);
        out.append("---\n").append(new Yaml(options).dump(meta)).append("---\n\n");
    }

    private Map<String, Object> parameters() {
        Map<String, Object> params = new LinkedHashMap<>();
        state.params().fields().forEachRemaining(field -> {
            boolean secret = runbook.parameter(field.getKey()).map(p -> p.isSecret()).orElse(false);
            params.put(field.getKey(), secret && !field.getValue().isNull() ? Redactor.MASK : JSON.convertValue(field.getValue(), Object.class));
        });
        return params;
    }

    private void header(StringBuilder out) {
        RunStatus status = state.status();
        out.append("> **opsbook run record** · ").append(state.drill().isPresent() ? "**DRILL** · " : "").append(StatusSymbols.of(status)).append(" **").append(status.label())
                .append("** · run ").append(Markdown.code(state.runId())).append(" of ").append(Markdown.code(runbook.id()))
                .append("  \n> Started by ").append(Markdown.inline(state.startedBy())).append(" (").append(Markdown.inline(state.trigger()))
                .append(") at ").append(DATE_TIME.format(state.startedAt()));
        state.endedAt().ifPresent(end -> out.append(" · took ").append(Durations.format(Duration.between(state.startedAt(), end))));
        ChildLinks.toParent(state.startedBy(), parentRunbook).ifPresent(parent -> out.append("  \n> ").append(parent));
        out.append("  \n> ").append(summary());
        if (!state.message().isEmpty()) {
            out.append("  \n> ").append(status == RunStatus.SUCCEEDED ? "Note" : "Reason").append(": ").append(Markdown.inline(state.message()));
        }
        out.append("\n\n");
        if (state.event() != null) {
            out.append("<details><summary>Triggering event ").append(Markdown.code(state.event().path("id").asText()))
                    .append("</summary>\n\n").append(Markdown.fenced("json", pretty(redactor.json(state.event())), "")).append("\n</details>\n\n");
        }
        String frontMatter = runbook.text().substring(0, runbook.bodyOffset());
        if (!frontMatter.isBlank()) {
            out.append("<details><summary>Runbook front matter</summary>\n\n")
                    .append(Markdown.fenced("yaml", frontMatter.replaceAll("(?s)^---\\r?\\n", "").replaceAll("(?s)\\r?\\n(---|\\.\\.\\.)\\s*$", "\n"), ""))
                    .append("\n</details>\n\n");
        }
    }

    private String summary() {
        Map<StepStatus, Integer> counts = new LinkedHashMap<>();
        int notRun = 0;
        int normal = 0;
        for (Step step : runbook.steps()) {
            Optional<StepExecution> execution = state.execution(step.id());
            if (isHandler(step)) {
                continue;
            }
            normal++;
            if (execution.isPresent()) {
                counts.merge(execution.get().status(), 1, Integer::sum);
            } else {
                notRun++;
            }
        }
        List<String> parts = new ArrayList<>();
        counts.forEach((status, n) -> parts.add(n + " " + status.label()));
        if (notRun > 0) {
            parts.add(notRun + " not run");
        }
        String text = normal == 0 ? dev.opsbook.graph.GraphText.NO_STEPS : normal + (normal == 1 ? " step: " : " steps: ") + String.join(", ", parts) + ".";
        List<String> handlers = state.executions().values().stream()
                .filter(x -> x.role() != Role.NORMAL && x.role() != Role.ITEM)
                .map(x -> x.role().label() + " " + Markdown.code(x.stepId()) + " " + x.status().label())
                .toList();
        if (!handlers.isEmpty()) {
            text = text + " Then: " + String.join(", ", handlers) + ".";
        }
        return text;
    }

    private boolean isHandler(Step step) {
        return graph.isHandler(step.id());
    }

    // ---- the runbook's text with outcomes ---------------------------------------------------

    private void body(StringBuilder out) {
        String text = runbook.text();
        int at = runbook.bodyOffset();
        List<Step> steps = runbook.steps().stream().sorted(Comparator.comparingInt(s -> s.span().startOffset())).toList();
        for (Step step : steps) {
            if (step.span().startOffset() < at) {
                continue;
            }
            if (step.form() == StepForm.TASK_ITEM) {
                out.append(text, at, step.span().startOffset());
                taskItem(out, step, text.substring(step.span().startOffset(), step.span().endOffset()));
            } else {
                out.append(text, at, step.span().endOffset());
                if (out.charAt(out.length() - 1) != '\n') {
                    out.append('\n');
                }
                outcome(out, step, " ".repeat(step.span().indent()));
            }
            at = step.span().endOffset();
        }
        out.append(text.substring(at));
        if (out.charAt(out.length() - 1) != '\n') {
            out.append('\n');
        }
    }

    private void taskItem(StringBuilder out, Step step, String line) {
        String newline = line.endsWith("\n") ? "\n" : "";
        String content = line.endsWith("\n") ? line.substring(0, line.length() - 1) : line;
        if (content.endsWith("\r")) {
            content = content.substring(0, content.length() - 1);
        }
        Optional<StepExecution> execution = executionsOf(step).stream().findFirst();
        String note;
        if (execution.isEmpty()) {
            note = StatusSymbols.NOT_RUN + " not run";
        } else {
            StepExecution x = execution.get();
            if (x.status() == StepStatus.SUCCEEDED) {
                content = content.replaceFirst("\\[ \\]", "[x]");
            }
            String label = x.status() == StepStatus.SUCCEEDED ? "done" : x.status().label();
            note = StatusSymbols.of(x.status()) + " " + label
                    + x.answer().map(a -> " by " + Markdown.inline(a.by()) + " at " + TIME.format(a.at()) + " UTC"
                    + (a.comment().isBlank() ? "" : ": " + Markdown.inline(a.comment()))).orElse("")
                    + (x.status() == StepStatus.WAITING || x.status() == StepStatus.FAILED || x.status() == StepStatus.NEEDS_ATTENTION ? " — " + Markdown.inline(x.message()) : "");
        }
        out.append(content).append(" *(").append(note).append(")*").append(newline);
    }

    /** Whether the run has ended: a running, waiting or needs-attention run may still reach its later steps. */
    private boolean stopped() {
        RunStatus status = state.status();
        return status == RunStatus.SUCCEEDED || status == RunStatus.FAILED || status == RunStatus.CANCELLED;
    }

    private List<StepExecution> executionsOf(Step step) {
        return state.executions().values().stream().filter(x -> x.stepId().equals(step.id())).toList();
    }

    private void outcome(StringBuilder out, Step step, String indent) {
        List<StepExecution> executions = executionsOf(step);
        StringBuilder block = new StringBuilder("\n");
        if (executions.isEmpty()) {
            String why = isHandler(step)
                    ? "runs only if the run fails (" + (step.id()) + " handles " + ownersText(step) + ")"
                    : stopped() ? "the run ended before this step" : "not reached yet";
            block.append("> ").append(StatusSymbols.NOT_RUN).append(" **Not run** · ").append(Markdown.code(step.id()))
                    .append(" · ").append(Markdown.inline(why)).append('\n');
        }
        for (StepExecution execution : executions) {
            if (execution.role() != Role.ITEM) { // shown in their for-each step's table
                execution(block, step, execution);
            }
        }
        for (String line : block.toString().split("\n", -1)) {
            out.append(line.isEmpty() ? "" : indent).append(line).append('\n');
        }
        out.setLength(out.length() - 1);
    }

    private String ownersText(Step step) {
        return String.join(", ", graph.ownersOf(step.id()));
    }

    private void execution(StringBuilder out, Step step, StepExecution x) {
        out.append("> ").append(StatusSymbols.of(x.status())).append(" **").append(capitalized(x.status().label())).append("**");
        if (x.role() != Role.NORMAL) {
            out.append(" as ").append(x.role().label()).append(" for ").append(Markdown.code(x.forStep().orElse("?")));
        }
        out.append(" · ").append(Markdown.code(step.id()));
        x.startedAt().ifPresent(start -> out.append(" · started ").append(TIME.format(start)).append(" UTC"));
        x.duration().ifPresent(d -> out.append(" · ").append(Durations.format(d)));
        if (x.attempts().size() > 1) {
            out.append(" · ").append(x.attempts().size()).append(" attempts");
        }
        out.append('\n');
        if (!x.message().isEmpty()) {
            out.append(">\n> ").append(Markdown.inline(x.message())).append('\n');
        }
        x.answer().ifPresent(answer -> out.append(">\n> ").append(answerText(step, answer)).append('\n'));
        if (step.has(dev.opsbook.runbook.StepKindSpec.Trait.RUNS_A_RUNBOOK)) {
            ChildLinks.toChild(x.result()).ifPresent(link -> out.append(">\n> ").append(link).append('\n'));
        }
        if (x.attempts().size() > 1) {
            out.append("\n");
            for (Attempt attempt : x.attempts()) {
                out.append("- Attempt ").append(attempt.number()).append(": ")
                        .append(attempt.succeeded() ? "succeeded" : "failed").append(" after ").append(Durations.format(attempt.duration()));
                if (!attempt.message().isEmpty()) {
                    out.append(" — ").append(Markdown.inline(attempt.message()));
                }
                out.append('\n');
            }
        }
        if (x.outputs().size() > 0) {
            out.append("\n**Outputs:** ");
            List<String> outputs = new ArrayList<>();
            x.outputs().fields().forEachRemaining(f -> outputs.add(Markdown.code(f.getKey()) + " = " + Markdown.code(shortJson(f.getValue()))));
            out.append(String.join(" · ", outputs)).append('\n');
        }
        if (dev.opsbook.engine.ForEachItems.items(x).isPresent()) {
            ForEachRecord.items(out, state, x, redactor, (item, itemExecution) -> execution(item, step, itemExecution));
            return;
        }
        input(out, step, x);
        if (x.calls().isEmpty()) {
            resultDetails(out, x.result());
        } else {
            calls(out, x.calls());
            if (x.result() != null && x.result().has("checks")) {
                resultDetails(out, x.result());
            }
        }
    }

    /** Every call a step made to the outside world, request and response, in order. */
    private void calls(StringBuilder out, List<JsonNode> calls) {
        out.append("\n**AWS calls:**\n\n");
        int n = 1;
        for (JsonNode call : calls) {
            JsonNode shown = redactor.json(call);
            out.append(n++).append(". ").append(Markdown.code(shown.path("action").asText())).append(" in ")
                    .append(Markdown.inline(shown.path("region").asText()));
            if (shown.has("role")) {
                out.append(" as ").append(Markdown.code(shown.path("role").asText()));
            }
            out.append(" → ");
            if (shown.has("httpStatus")) {
                out.append("HTTP ").append(shown.path("httpStatus").asInt());
            } else {
                out.append("no answer");
            }
            if (shown.hasNonNull("requestId") && !shown.path("requestId").asText().isEmpty()) {
                out.append(", request id ").append(Markdown.code(shown.path("requestId").asText()));
            }
            if (shown.path("outcome").asText().equals("error")) {
                out.append(", **").append(Markdown.inline(shown.at("/error/Code").asText())).append("**");
            }
            if (shown.has("pages")) {
                out.append(", ").append(shown.path("pages").asInt()).append(" pages");
            }
            out.append(" · ").append(shown.path("durationMs").asLong()).append(" ms\n");
            out.append("\n   <details><summary>Request and response</summary>\n\n")
                    .append(Markdown.fenced("json", pretty(shown.path("request")), "   "))
                    .append('\n')
                    .append(Markdown.fenced("json", pretty(shown.path("response")), "   "))
                    .append("\n   </details>\n\n");
        }
    }

    private String answerText(Step step, Interaction.Answer answer) {
        String verb = step.has(StepKindSpec.Trait.APPROVAL)
                ? (answer.confirmed() ? "Approved" : "Rejected")
                : (answer.confirmed() ? "Done, confirmed" : "Not done, said");
        return verb + " by **" + Markdown.inline(answer.by()) + "** (" + Markdown.inline(answer.how()) + ") at "
                + TIME.format(answer.at()) + " UTC" + (answer.comment().isBlank() ? "" : ": “" + Markdown.inline(answer.comment()) + "”");
    }

    private void input(StringBuilder out, Step step, StepExecution x) {
        JsonNode input = redactor.json(x.input());
        if (input == null || input.isNull() || input.isEmpty()) {
            return;
        }
        if (step.settings().isNull()) {
            if (input.has("values")) {
                scriptAsRun(out, input);
            }
            return;
        }
        if (step.has(StepKindSpec.Trait.ASKS_A_PERSON)) {
            return; // the prompt is the text above
        }
        folded(out, "Input", "json", pretty(input), true);
    }

    /** The script bash ran, its templates replaced by variables, and the values those variables held. */
    private static void scriptAsRun(StringBuilder out, JsonNode input) {
        StringBuilder values = new StringBuilder();
        input.path("values").fields().forEachRemaining(v -> values.append(v.getKey()).append('=').append(v.getValue()).append('\n'));
        out.append("\n<details><summary>Rendered script (template values are passed as variables, never as code)</summary>\n\n")
                .append(Markdown.fenced("bash", input.path("script").asText(), ""))
                .append("\nThe variables' values (as JSON strings):\n\n")
                .append(Markdown.fenced("text", values.toString(), ""))
                .append("\n</details>\n");
    }

    private void resultDetails(StringBuilder out, JsonNode result) {
        if (result == null || result.isNull()) {
            return;
        }
        JsonNode shown = redactor.json(result);
        if (shown.has("exitCode")) {
            out.append("\nExit code ").append(shown.path("exitCode").asInt()).append(".\n");
            stream(out, "stdout", shown.path("stdout").asText());
            stream(out, "stderr", shown.path("stderr").asText());
            return;
        }
        if (shown.has("status") && shown.has("body")) {
            out.append("\nHTTP ").append(shown.path("status").asInt()).append(".\n");
            JsonNode body = shown.get("body");
            String text = body.isTextual() ? body.textValue() : pretty(body);
            if (!text.isEmpty()) {
                folded(out, "Response body", body.isTextual() ? "text" : "json", text, false);
            }
            return;
        }
        if (shown.has("checks")) {
            out.append('\n');
            for (JsonNode check : shown.get("checks")) {
                out.append("- ").append(check.path("holds").asBoolean() ? "✅ " : "❌ ").append(Markdown.code(check.path("that").asText()))
                        .append(check.has("value") ? " → " + Markdown.code(shortJson(check.get("value"))) : "")
                        .append(check.has("error") ? " — " + Markdown.inline(check.get("error").asText()) : "").append('\n');
            }
            return;
        }
        if (shown.has("by") && shown.has("how")) {
            return; // an answer, already written
        }
        folded(out, "Result", "json", pretty(shown), false);
    }

    private void stream(StringBuilder out, String name, String text) {
        if (text.isEmpty()) {
            return;
        }
        folded(out, name + " · " + Markdown.lineCount(text) + (Markdown.lineCount(text) == 1 ? " line" : " lines"), "text", text, false);
    }

    /** Short text is shown as it is; long text, or any input, is folded. */
    private void folded(StringBuilder out, String summary, String language, String text, boolean alwaysFold) {
        if (!alwaysFold && Markdown.lineCount(text) <= OPEN_LINES) {
            out.append("\n*").append(summary).append(":*\n\n").append(Markdown.fenced(language, text, ""));
            return;
        }
        out.append("\n<details><summary>").append(summary).append("</summary>\n\n")
                .append(Markdown.fenced(language, text, "")).append("\n</details>\n");
    }

    // ---- timeline ---------------------------------------------------------------------------

    private void timeline(StringBuilder out) {
        out.append("\n---\n\n## Run timeline\n\n| Time (UTC) | Event |\n| --- | --- |\n");
        for (RunEvent event : result.events()) {
            timelineText(event).ifPresent(text -> out.append("| ").append(TIME.format(event.at())).append(" | ")
                    .append(Markdown.cell(text)).append(" |\n"));
        }
    }

    private Optional<String> timelineText(RunEvent event) {
        if (event instanceof RunEvent.RunStarted e) {
            return Optional.of("Run started by " + e.startedBy() + " (" + e.trigger() + ")");
        }
        if (event instanceof RunEvent.StepStarted e) {
            if (e.role() == Role.ITEM) {
                return Optional.of("`" + e.key() + "` started (item of `" + e.stepId() + "`)");
            }
            String role = e.role() == Role.NORMAL ? "" : " as " + e.role().label() + " for `" + e.forStep().orElse("?") + "`";
            return Optional.of("`" + e.stepId() + "` started" + role);
        }
        if (event instanceof RunEvent.AttemptFinished e) {
            if (e.attempt().succeeded() || e.retryIn().isEmpty()) {
                return Optional.empty();
            }
            return Optional.of("`" + stepOf(e.key()) + "` attempt " + e.attempt().number() + " failed: " + e.attempt().message()
                    + "; retrying in " + Durations.format(e.retryIn().get()));
        }
        if (event instanceof RunEvent.StepAnswered e) {
            return Optional.of("`" + stepOf(e.key()) + "` answered by " + e.answer().by() + ": "
                    + (e.answer().confirmed() ? "yes" : "no") + (e.answer().comment().isBlank() ? "" : " (" + e.answer().comment() + ")"));
        }
        if (event instanceof RunEvent.StepFinished e) {
            String duration = state.execution(e.key()).flatMap(StepExecution::duration).map(d -> " in " + Durations.format(d)).orElse("");
            return Optional.of(StatusSymbols.of(e.status()) + " `" + stepOf(e.key()) + "` " + e.status().label()
                    + (e.status().isTerminal() ? duration : "") + (e.message().isEmpty() ? "" : ": " + e.message()));
        }
        if (event instanceof RunEvent.StepSkipped e) {
            return Optional.of(StatusSymbols.of(StepStatus.SKIPPED) + " `" + e.key() + "` skipped: " + e.reason());
        }
        if (event instanceof RunEvent.RunTakenOver e) {
            return Optional.of("Run taken over by " + e.by() + " from " + e.from());
        }
        if (event instanceof RunEvent.StepInterrupted e) {
            return Optional.of(StatusSymbols.of(e.retry() ? StepStatus.INTERRUPTED : StepStatus.NEEDS_ATTENTION) + " `" + stepOf(e.key())
                    + "` interrupted: " + e.detail());
        }
        if (event instanceof RunEvent.StepResolved e) {
            return Optional.of("`" + stepOf(e.key()) + "` resolved by " + e.by() + ": " + e.resolution().label()
                    + (e.comment() == null || e.comment().isBlank() ? "" : " (" + e.comment() + ")"));
        }
        if (event instanceof RunEvent.RunResumed e) {
            return Optional.of("Run resumed by " + e.by());
        }
        if (event instanceof RunEvent.CancelRequested e) {
            return Optional.of("Cancel requested: " + e.reason());
        }
        if (event instanceof RunEvent.RunRestarted e) {
            return Optional.of("Run resumed from `" + e.fromStep() + "` by " + e.by());
        }
        if (event instanceof RunEvent.RollbackRequested e) {
            return Optional.of("Rollback requested by " + e.by() + ": " + e.reason());
        }
        if (event instanceof RunEvent.RunTimedOut e) {
            return Optional.of("Run timed out after " + Durations.format(e.limit()));
        }
        if (event instanceof RunEvent.RunFinished e) {
            return Optional.of(StatusSymbols.of(e.status()) + " Run " + e.status().label() + (e.message().isEmpty() ? "" : ": " + e.message()));
        }
        return Optional.empty();
    }

    private String stepOf(String key) {
        return state.execution(key).map(x -> x.role() == Role.ITEM ? x.key() : x.stepId()).orElse(key);
    }

    private void auditSection(StringBuilder out) {
        audit.ifPresent(a -> out.append("\n## Audit trail\n\n")
                .append(a.entries()).append(a.entries() == 1 ? " entry in " : " entries in ").append(Markdown.code(a.file().getFileName().toString()))
                .append(", each chained to the one before by SHA-256. The last entry hashes to\n")
                .append(Markdown.code(a.finalHash())).append(".\nCheck it with ")
                .append(Markdown.code("opsbook audit verify --file " + a.file().getFileName())).append(".\n"));
    }

    // ---- helpers ----------------------------------------------------------------------------

    private static String capitalized(String text) {
        return text.isEmpty() ? text : Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }

    private static String pretty(JsonNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (Exception e) {
            return node.toString();
        }
    }

    private static String shortJson(JsonNode value) {
        String text = value.isTextual() ? value.textValue() : value.toString();
        return text.length() > 120 ? text.substring(0, 119) + "…" : text;
    }

    static String time(Instant instant) {
        return TIME.format(instant);
    }
}
