package dev.opsbook.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsbook.engine.Attempt;
import dev.opsbook.engine.Interaction;
import dev.opsbook.engine.RunResult;
import dev.opsbook.engine.RunState;
import dev.opsbook.engine.StepExecution;
import dev.opsbook.engine.StepStatus;
import dev.opsbook.graph.LoadedRunbook;
import dev.opsbook.runbook.Diagnostic;
import dev.opsbook.runbook.Parameter;
import dev.opsbook.runbook.Runbook;
import dev.opsbook.runbook.Trigger;
import dev.opsbook.service.RunView;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** The API's JSON documents, built from the model and the runs the service reads. */
final class Views {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private Views() {
    }

    static ObjectNode runbook(LoadedRunbook loaded, List<RunView> lastRuns) {
        Runbook runbook = loaded.runbook();
        ObjectNode out = JSON.objectNode();
        out.put("id", runbook.id());
        out.put("title", runbook.title());
        out.put("kind", runbook.kind().name().toLowerCase(java.util.Locale.ROOT));
        out.put("owner", runbook.owner());
        out.put("description", runbook.description());
        out.put("file", runbook.file());
        out.put("contentSha256", runbook.contentHash());
        out.set("parameters", parameterSchema(runbook));
        ArrayNode triggers = out.putArray("triggers");
        for (Trigger trigger : runbook.triggers()) {
            ObjectNode t = triggers.addObject();
            t.set("pattern", trigger.pattern());
            ObjectNode mapping = t.putObject("parameters");
            trigger.parameters().forEach(m -> mapping.put(m.parameter(), m.expression()));
        }
        runbook.concurrency().ifPresent(c -> out.putObject("concurrency").put("key", c.key().orElse(null)).put("limit", c.limit()));
        runbook.limits().flatMap(l -> l.maxRunsPerHour()).ifPresent(n -> out.putObject("limits").put("maxRunsPerHour", n));
        out.putObject("approval").put("separateApprover", runbook.approval().separateApprover());
        ArrayNode steps = out.putArray("steps");
        runbook.steps().forEach(s -> steps.addObject().put("id", s.id()).put("kind", s.kind()).put("title", s.title()));
        ArrayNode runs = out.putArray("lastRuns");
        lastRuns.forEach(r -> runs.add(runSummary(r)));
        return out;
    }

    /** The parameters as a JSON Schema object: what a launch's {@code parameters} must look like. */
    static ObjectNode parameterSchema(Runbook runbook) {
        ObjectNode schema = JSON.objectNode();
        schema.put("type", "object");
        ObjectNode properties = schema.putObject("properties");
        ArrayNode required = schema.putArray("required");
        for (Parameter parameter : runbook.parameters()) {
            ObjectNode p = properties.putObject(parameter.name());
            switch (parameter.type()) {
                case INTEGER -> p.put("type", "integer");
                case NUMBER -> p.put("type", "number");
                case BOOLEAN -> p.put("type", "boolean");
                case LIST -> p.put("type", "array").putObject("items").put("type", "string");
                case SECRET -> p.put("type", "string").put("writeOnly", true).put("format", "password");
                default -> p.put("type", "string");
            }
            p.put("x-opsbook-type", parameter.type().label());
            parameter.pattern().ifPresent(pattern -> p.put("pattern", pattern));
            if (!parameter.allowedValues().isEmpty()) {
                parameter.allowedValues().forEach(p.putArray("enum")::add);
            }
            if (!parameter.isSecret()) {
                parameter.defaultValue().ifPresent(d -> p.set("default", d));
            }
            if (!parameter.description().isEmpty()) {
                p.put("description", parameter.description());
            }
            if (parameter.required() && parameter.defaultValue().isEmpty()) {
                required.add(parameter.name());
            }
        }
        return schema;
    }

    static ObjectNode runSummary(RunView run) {
        ObjectNode out = JSON.objectNode();
        out.put("id", run.id());
        out.put("runbook", run.runbookId());
        out.put("status", run.status().label());
        out.put("trigger", run.trigger());
        out.put("startedBy", run.startedBy());
        out.put("drill", run.drill().isPresent());
        run.drill().ifPresentOrElse(id -> out.put("gameday", id), () -> out.putNull("gameday"));
        run.eventId().ifPresentOrElse(id -> out.put("eventId", id), () -> out.putNull("eventId"));
        run.incident().ifPresentOrElse(id -> out.put("incident", id), () -> out.putNull("incident"));
        out.put("startedAt", run.startedAt().toString());
        run.endedAt().ifPresentOrElse(at -> out.put("endedAt", at.toString()), () -> out.putNull("endedAt"));
        out.put("message", run.message());
        ArrayNode waiting = out.putArray("waitingFor");
        Arrays.stream(run.waitingFor().split(",")).filter(s -> !s.isBlank()).forEach(waiting::add);
        out.put("href", "/api/runs/" + run.id());
        return out;
    }

    /** A run in full: its summary, parameters, steps and approvals, shown through the run's redactor. */
    static ObjectNode run(RunView run, RunResult result) {
        RunState state = result.state();
        Optional<Runbook> runbook = Optional.of(result.runbook());
        ObjectNode out = runSummary(run);
        out.set("parameters", state.params());
        ArrayNode steps = out.putArray("steps");
        ArrayNode approvals = out.putArray("approvals");
        for (StepExecution execution : state.executions().values()) {
            ObjectNode step = steps.addObject();
            step.put("key", execution.key());
            step.put("step", execution.stepId());
            step.put("role", execution.role().label());
            execution.forStep().ifPresent(f -> step.put("for", f));
            step.put("status", execution.status().label());
            execution.startedAt().ifPresentOrElse(at -> step.put("startedAt", at.toString()), () -> step.putNull("startedAt"));
            execution.endedAt().ifPresentOrElse(at -> step.put("endedAt", at.toString()), () -> step.putNull("endedAt"));
            step.put("message", execution.message());
            step.set("input", execution.input() == null ? JSON.nullNode() : execution.input());
            step.set("outputs", execution.outputs());
            ArrayNode attempts = step.putArray("attempts");
            for (Attempt attempt : execution.attempts()) {
                attempts.addObject().put("number", attempt.number()).put("startedAt", attempt.startedAt().toString())
                        .put("endedAt", attempt.endedAt().toString()).put("succeeded", attempt.succeeded())
                        .put("message", attempt.message()).set("result", attempt.result());
            }
            ArrayNode calls = step.putArray("calls");
            execution.calls().forEach(calls::add);
            String kind = runbook.flatMap(r -> r.step(execution.stepId())).map(s -> s.kind()).orElse("");
            if (execution.answer().isPresent() || execution.status() == StepStatus.WAITING) {
                ObjectNode approval = approvals.addObject();
                approval.put("step", execution.stepId());
                approval.put("kind", kind);
                approval.put("state", execution.answer().isPresent() ? (execution.answer().get().confirmed() ? "approved" : "rejected") : "waiting");
                execution.answer().ifPresent(a -> approval.set("answer", answer(a)));
                if (execution.answer().isEmpty()) {
                    approval.put("approve", "/api/runs/" + run.id() + "/steps/" + execution.stepId() + "/approve");
                    approval.put("reject", "/api/runs/" + run.id() + "/steps/" + execution.stepId() + "/reject");
                }
            }
        }
        out.putObject("links").put("record", "/api/runs/" + run.id() + "/record").put("audit", "/api/runs/" + run.id() + "/audit")
                .put("verification", "/api/runs/" + run.id() + "/audit/verification");
        return (ObjectNode) result.redactor().json(out);
    }

    static ObjectNode answer(Interaction.Answer answer) {
        return JSON.objectNode().put("confirmed", answer.confirmed()).put("by", answer.by()).put("comment", answer.comment())
                .put("at", answer.at().toString()).put("how", answer.how());
    }

    static ObjectNode diagnostics(List<Diagnostic> diagnostics) {
        ObjectNode out = JSON.objectNode();
        out.put("valid", diagnostics.stream().noneMatch(Diagnostic::isError));
        out.put("errors", diagnostics.stream().filter(Diagnostic::isError).count());
        out.put("warnings", diagnostics.stream().filter(d -> !d.isError()).count());
        ArrayNode list = out.putArray("diagnostics");
        for (Diagnostic d : diagnostics) {
            list.addObject().put("severity", d.isError() ? "error" : "warning").put("file", d.file()).put("line", d.position().line())
                    .put("column", d.position().column()).put("message", d.message()).put("text", d.toString());
        }
        return out;
    }

    static String instant(Instant at) {
        return at.toString();
    }

    static JsonNode text(String value) {
        return JSON.textNode(value);
    }
}
