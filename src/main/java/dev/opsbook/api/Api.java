package dev.opsbook.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsbook.access.Principal;
import dev.opsbook.access.Role;
import dev.opsbook.audit.AuditVerifier;
import dev.opsbook.engine.InvalidRunException;
import dev.opsbook.engine.RunStatus;
import dev.opsbook.graph.LoadedRunbook;
import dev.opsbook.http.Access;
import dev.opsbook.http.Problem;
import dev.opsbook.http.ProblemException;
import dev.opsbook.http.Request;
import dev.opsbook.http.Response;
import dev.opsbook.http.Router;
import dev.opsbook.record.PlanJson;
import dev.opsbook.service.Approvals;
import dev.opsbook.service.RunRecords;
import dev.opsbook.service.RunAudits;
import dev.opsbook.service.RunOperations;
import dev.opsbook.service.RunQueries;
import dev.opsbook.service.RunView;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.Yaml;

/**
 * The REST API: routes under {@code /api} over the service's {@link RunOperations}, and the
 * OpenAPI description at {@code /q/openapi}. Reading needs any role; launching, cancelling and
 * resuming need {@code operator}; answering a waiting step needs {@code approver}.
 */
public final class Api {

    public static final String OPENAPI = "/openapi/opsbook.yaml";
    static final int DEFAULT_PAGE = 50;
    static final int MAX_PAGE = 500;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final RunOperations runs;
    private final RunQueries queries;

    public Api(RunOperations runs, RunQueries queries) {
        this.runs = runs;
        this.queries = queries;
    }

    public void addTo(Router router) {
        router.get("/q/openapi", Access.PUBLIC, this::openApi)
                .get("/api/runbooks", Access.role(Role.VIEWER), this::listRunbooks)
                .get("/api/runbooks/{id}", Access.role(Role.VIEWER), this::getRunbook)
                .post("/api/runbooks/{id}/runs", Access.role(Role.OPERATOR), this::launch)
                .post("/api/validate", Access.role(Role.VIEWER), this::validate)
                .get("/api/runs", Access.role(Role.VIEWER), this::listRuns)
                .get("/api/runs/{id}", Access.role(Role.VIEWER), this::getRun)
                .get("/api/runs/{id}/record", Access.role(Role.VIEWER), this::record)
                .post("/api/runs/{id}/steps/{step}/approve", Access.role(Role.APPROVER), r -> answer(r, true))
                .post("/api/runs/{id}/steps/{step}/reject", Access.role(Role.APPROVER), r -> answer(r, false))
                .post("/api/runs/{id}/cancel", Access.role(Role.OPERATOR), this::cancel)
                .post("/api/runs/{id}/resume", Access.role(Role.OPERATOR), this::resume)
                .get("/api/runs/{id}/audit", Access.role(Role.VIEWER), this::audit)
                .get("/api/runs/{id}/audit/verification", Access.role(Role.VIEWER), this::verification);
    }

    // ---- runbooks -------------------------------------------------------------------------------

    private Response listRunbooks(Request request) {
        ArrayNode list = NODES.arrayNode();
        for (LoadedRunbook runbook : runs.runbooks()) {
            list.add(Views.runbook(runbook, lastRuns(runbook.runbook().id())));
        }
        return Response.ok(NODES.objectNode().set("runbooks", list));
    }

    private Response getRunbook(Request request) {
        LoadedRunbook runbook = runbook(request.param("id"));
        return Response.ok(Views.runbook(runbook, lastRuns(runbook.runbook().id())));
    }

    private List<RunView> lastRuns(String runbookId) {
        return queries.list(RunQueries.Filter.latestOf(runbookId, 5));
    }

    private LoadedRunbook runbook(String id) {
        return runs.runbook(id).orElseThrow(() -> Problem.notFound("no runbook or playbook '" + id + "' is served; GET /api/runbooks lists "
                + (runs.runbooks().isEmpty() ? "them (there are none: check serve's --runbooks folders)"
                : "them: " + String.join(", ", runs.runbooks().stream().map(r -> r.runbook().id()).toList()))).exception());
    }

    /**
     * {@code {"parameters": {...}, "dryRun": false}}: parameters are typed as the runbook declares
     * them (numbers and booleans as JSON values or text); a dry run answers the plan, nothing run.
     */
    private Response launch(Request request) throws InvalidRunException {
        LoadedRunbook runbook = runbook(request.param("id"));
        JsonNode body = request.json();
        if (!body.isObject()) {
            throw Problem.badRequest("the body must be a JSON object such as {\"parameters\": {\"name\": \"value\"}, \"dryRun\": false}").exception();
        }
        body.fieldNames().forEachRemaining(key -> {
            if (!key.equals("parameters") && !key.equals("dryRun")) {
                throw Problem.badRequest("unknown member '" + key + "' in the body; a launch takes parameters and dryRun").exception();
            }
        });
        JsonNode parameters = body.path("parameters");
        if (!parameters.isMissingNode() && !parameters.isNull() && !parameters.isObject()) {
            throw Problem.badRequest("parameters must be a JSON object of name to value").exception();
        }
        JsonNode dryRun = body.path("dryRun");
        if (!dryRun.isMissingNode() && !dryRun.isBoolean()) {
            throw Problem.badRequest("dryRun must be true or false").exception();
        }
        Map<String, String> params = new LinkedHashMap<>();
        parameters.fields().forEachRemaining(f -> {
            if (!f.getValue().isNull()) {
                params.put(f.getKey(), f.getValue().isTextual() ? f.getValue().asText() : f.getValue().toString());
            }
        });
        try {
            if (dryRun.asBoolean(false)) {
                return Response.ok(PlanJson.of(runs.plan(runbook, params), runbook.runbook()));
            }
            String runId = runs.launch(runbook, params, request.who().who(), "api");
            RunView run = queries.run(runId).orElseThrow();
            return Response.created("/api/runs/" + runId, Views.runSummary(run));
        } catch (RunOperations.Busy e) {
            throw new ProblemException(Problem.unavailable(e.getMessage()));
        } catch (InvalidRunException e) {
            ObjectNode extra = NODES.objectNode();
            e.problems().forEach(extra.putArray("problems")::add);
            extra.set("parameters", Views.parameterSchema(runbook.runbook()));
            throw new ProblemException(Problem.unprocessable("the run cannot start: " + String.join("; ", e.problems())
                    + "; the parameters member of this document says what the runbook takes"), Optional.of(extra));
        }
    }

    /** The body is the runbook's text (or {@code {"file": "name.md", "text": "..."}}); diagnostics say line:column. */
    private Response validate(Request request) {
        String file = request.query("file").orElse("runbook.md");
        String text = request.bodyText();
        if (request.header("Content-Type").map(t -> t.startsWith("application/json")).orElse(false)) {
            JsonNode body = request.json();
            if (!body.path("text").isTextual()) {
                throw Problem.badRequest("a JSON body needs text: the runbook's Markdown; or send the Markdown itself as text/markdown").exception();
            }
            text = body.path("text").asText();
            file = body.path("file").asText(file);
        }
        if (text.isBlank()) {
            throw Problem.badRequest("the body is empty; send the runbook's Markdown (Content-Type: text/markdown)").exception();
        }
        return Response.ok(Views.diagnostics(runs.loader().load(file, text).diagnostics()));
    }

    // ---- runs -----------------------------------------------------------------------------------

    /** Filtered by runbook, status, trigger and start time (since inclusive, until exclusive), newest first, a page at a time. */
    private Response listRuns(Request request) {
        Optional<RunStatus> status = request.query("status").map(s -> Arrays.stream(RunStatus.values())
                .filter(v -> v.label().equals(s.toLowerCase(Locale.ROOT))).findFirst()
                .orElseThrow(() -> Problem.badRequest("status '" + s + "' is none of " + String.join(", ",
                        Arrays.stream(RunStatus.values()).map(RunStatus::label).toList())).exception()));
        Optional<Instant> since = request.query("since").map(s -> instant("since", s));
        Optional<Instant> until = request.query("until").map(s -> instant("until", s));
        int limit = number(request, "limit", DEFAULT_PAGE, 1, MAX_PAGE);
        int offset = number(request, "offset", 0, 0, Integer.MAX_VALUE);
        List<RunView> page = queries.list(new RunQueries.Filter(request.query("runbook"), status, request.query("trigger"), since, until,
                offset, limit + 1));
        ObjectNode out = NODES.objectNode();
        ArrayNode list = out.putArray("runs");
        page.stream().limit(limit).forEach(r -> list.add(Views.runSummary(r)));
        out.put("offset", offset);
        out.put("limit", limit);
        if (page.size() > limit) {
            Map<String, List<String>> next = new LinkedHashMap<>(request.queryParams());
            next.put("offset", List.of(String.valueOf(offset + limit)));
            next.put("limit", List.of(String.valueOf(limit)));
            out.put("next", "/api/runs?" + String.join("&", next.entrySet().stream().flatMap(e -> e.getValue().stream()
                    .map(v -> e.getKey() + "=" + java.net.URLEncoder.encode(v, StandardCharsets.UTF_8))).toList()));
        } else {
            out.putNull("next");
        }
        return Response.ok(out);
    }

    private static Instant instant(String name, String value) {
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw Problem.badRequest(name + " '" + value + "' is not an instant; write it as 2026-11-23T03:00:00Z").exception();
        }
    }

    private static int number(Request request, String name, int fallback, int min, int max) {
        Optional<String> text = request.query(name);
        if (text.isEmpty()) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(text.get());
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw Problem.badRequest(name + " must be a whole number from " + min + " to " + max + ", not '" + text.get() + "'").exception();
    }

    private RunView storedRun(String runId) {
        return queries.run(runId).orElseThrow(() -> notFound(runId));
    }

    private ProblemException notFound(String runId) {
        return Problem.notFound("no run " + runId + " in " + queries.describe() + "; GET /api/runs lists them").exception();
    }

    private Response getRun(Request request) {
        RunQueries.Detail run = queries.detail(request.param("id")).orElseThrow(() -> notFound(request.param("id")));
        return Response.ok(Views.run(run.run(), run.result()));
    }

    /** Markdown (the record as {@code opsbook show} prints it) or HTML, by the Accept header. */
    private Response record(Request request) {
        RunView run = storedRun(request.param("id"));
        String type = request.negotiate("text/markdown", "text/html").orElseThrow(() -> new Problem(406, "Not acceptable",
                "a record is text/markdown or text/html; ask for one of them in Accept").exception());
        RunRecords.Rendered record = queries.record(run.id()).orElseThrow();
        return type.equals("text/html")
                ? Response.html(record.html())
                : Response.text(200, "text/markdown; charset=utf-8", record.markdown());
    }

    private Response answer(Request request, boolean confirmed) {
        RunView run = storedRun(request.param("id"));
        String comment = request.json().path("comment").asText("");
        Principal who = request.who();
        try {
            runs.answer(run.id(), request.param("step"), confirmed, who.who(), comment);
        } catch (Approvals.Refused e) {
            throw (e.forbidden() ? Problem.forbidden(e.getMessage()) : Problem.conflict(e.getMessage())).exception();
        }
        return Response.ok(NODES.objectNode().put("run", run.id()).put("step", request.param("step"))
                .put("answer", confirmed ? "approve" : "reject").put("by", who.who())
                .put("detail", "the service resumes the run within a second"));
    }

    private Response cancel(Request request) {
        String runId = request.param("id");
        String reason = request.json().path("reason").asText("");
        try {
            RunStatus status = runs.cancel(runId, request.who().who(), reason);
            ObjectNode out = NODES.objectNode().put("run", runId).put("status", status.label());
            if (status == RunStatus.CANCELLED) {
                return Response.ok(out);
            }
            return Response.json(202, out.put("detail", "cancellation requested; the instance running it stops it within a second"));
        } catch (RunOperations.Refused e) {
            throw (e.conflict() ? Problem.conflict(e.getMessage()) : Problem.notFound(e.getMessage())).exception();
        }
    }

    /** {@code {"fromStep": "deploy"}}: a failed run goes on from that step, here. */
    private Response resume(Request request) {
        String runId = request.param("id");
        JsonNode fromStep = request.json().path("fromStep");
        if (!fromStep.isTextual() || fromStep.asText().isBlank()) {
            throw Problem.badRequest("say which step to resume from: {\"fromStep\": \"STEP\"}").exception();
        }
        try {
            runs.restart(runId, fromStep.asText(), request.who().who());
        } catch (RunOperations.Refused e) {
            throw (e.conflict() ? Problem.conflict(e.getMessage()) : Problem.notFound(e.getMessage())).exception();
        }
        return Response.json(202, NODES.objectNode().put("run", runId).put("fromStep", fromStep.asText()).put("status", "running"))
                .with("Location", "/api/runs/" + runId);
    }

    private RunAudits audits() {
        return queries.audits();
    }

    private Response audit(Request request) throws IOException {
        RunView run = storedRun(request.param("id"));
        ArrayNode entries = NODES.arrayNode();
        try {
            for (String line : audits().lines(run.id())) {
                entries.add(JSON.readTree(line));
            }
        } catch (RunAudits.Unavailable e) {
            throw Problem.notFound(e.getMessage()).exception();
        }
        return Response.ok(NODES.objectNode().put("run", run.id()).set("entries", entries));
    }

    /** What {@code opsbook audit verify RUN} says of the run's trail: every line canonical, the chain, and its end against the store's seal. */
    private Response verification(Request request) throws IOException {
        RunView run = storedRun(request.param("id"));
        AuditVerifier.Verification verification;
        try {
            verification = audits().verify(run.id());
        } catch (RunAudits.Unavailable e) {
            throw Problem.notFound(e.getMessage()).exception();
        }
        ObjectNode out = NODES.objectNode().put("run", run.id()).put("valid", verification.valid()).put("entries", verification.entries())
                .put("finalHash", verification.finalHash()).put("sealedBy", verification.sealedBy().name().toLowerCase(java.util.Locale.ROOT))
                .put("checkedAgainstRecord", verification.sealedBy() == AuditVerifier.SealedBy.RECORD);
        if (verification.valid()) {
            out.put("verdict", verification.verdict());
        }
        verification.problems().forEach(out.putArray("problems")::add);
        if (!out.has("problems")) {
            out.putArray("problems");
        }
        return Response.ok(out);
    }

    // ---- OpenAPI --------------------------------------------------------------------------------

    private Response openApi(Request request) throws IOException {
        String yaml = openApiYaml();
        boolean json = request.query("format").map(f -> f.equalsIgnoreCase("json")).orElse(false)
                || request.negotiate("application/yaml", "application/json").orElse("application/yaml").equals("application/json");
        if (json) {
            return Response.ok(JSON.valueToTree(new Yaml().load(yaml)));
        }
        return Response.text(200, "application/yaml; charset=utf-8", yaml);
    }

    public static String openApiYaml() throws IOException {
        try (InputStream in = Api.class.getResourceAsStream(OPENAPI)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

}
