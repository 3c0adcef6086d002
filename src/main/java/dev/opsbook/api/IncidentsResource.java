package dev.opsbook.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsbook.http.Problem;
import dev.opsbook.http.ProblemException;
import dev.opsbook.incident.IncidentIds;
import dev.opsbook.incident.Timeline;
import dev.opsbook.serve.Roles;
import dev.opsbook.serve.Serving;
import dev.opsbook.service.IncidentRuns;
import dev.opsbook.service.Service;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Incidents: runs that belong together (one incident id, one event, one alarm within a window), their timeline across runs
 * and people, and the post-incident draft. What {@code /incidents} shows and a postmortem tool reads.
 */
@Path("/api/incidents")
@Tag(name = "incidents")
@Blocking
public class IncidentsResource {

    private static final MediaType MARKDOWN = new MediaType("text", "markdown", "utf-8");

    @Inject
    Serving serving;

    @GET
    @RolesAllowed(Roles.VIEWER)
    @Operation(summary = "Recent incidents (the last 7 days' runs grouped), newest first")
    @Parameter(name = "limit", description = "At most this many (50 unless said)", schema = @Schema(type = SchemaType.INTEGER, minimum = "1", maximum = "500"))
    @APIResponse(responseCode = "200", description = "The incidents")
    @APIResponse(responseCode = "400", description = "limit is not a number from 1 to 500")
    public Response list(@QueryParam("limit") String limitParam) {
        int limit = 50;
        if (limitParam != null) {
            try {
                limit = Integer.parseInt(limitParam.strip());
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1 || limit > 500) {
                throw Problem.badRequest("limit '" + limitParam + "' is not a number from 1 to 500").exception();
            }
        }
        IncidentRuns incidents = serving.get().incidents();
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("alarmWindow", incidents.window().toString());
        ArrayNode list = out.putArray("incidents");
        incidents.latest(limit).forEach(g -> list.add(summary(g)));
        return Response.ok(out, MediaType.APPLICATION_JSON_TYPE).build();
    }

    @GET
    @Path("/{id}")
    @RolesAllowed(Roles.VIEWER)
    @Operation(summary = "An incident: its runs, its timeline across runs and people (what fired, steps, approvals, escalations, rollbacks,"
            + " comments), time to first step and to resolution, and open questions")
    @APIResponse(responseCode = "200", description = "The incident and its timeline, oldest entry first")
    @APIResponse(responseCode = "400", description = "The id is no incident id")
    @APIResponse(responseCode = "404", description = "No run belongs to such an incident")
    public Response get(@PathParam("id") String id) {
        IncidentRuns.Incident incident = serving.get().incidents().incident(checked(id)).orElseThrow(() -> notFound(id));
        ObjectNode out = summary(incident.summary());
        ArrayNode runs = out.putArray("runs");
        incident.runs().forEach(r -> runs.add(Views.runSummary(r)));
        ObjectNode facts = out.putObject("facts");
        facts.put("began", incident.facts().began().toString());
        incident.facts().firstStep().ifPresentOrElse(at -> facts.put("firstStep", at.toString()), () -> facts.putNull("firstStep"));
        incident.facts().resolved().ifPresentOrElse(at -> facts.put("resolved", at.toString()), () -> facts.putNull("resolved"));
        incident.facts().toFirstStep().ifPresentOrElse(d -> facts.put("toFirstStepSeconds", d.toMillis() / 1000.0), () -> facts.putNull("toFirstStepSeconds"));
        incident.facts().toResolution().ifPresentOrElse(d -> facts.put("toResolutionSeconds", d.toMillis() / 1000.0), () -> facts.putNull("toResolutionSeconds"));
        incident.facts().questions().forEach(out.putArray("openQuestions")::add);
        ArrayNode timeline = out.putArray("timeline");
        for (Timeline.Entry e : incident.timeline()) {
            ObjectNode entry = timeline.addObject().put("at", e.at().toString()).put("kind", e.kind().label());
            if (e.runId().isEmpty()) {
                entry.putNull("run");
            } else {
                entry.put("run", e.runId()).put("runbook", e.runbookId());
            }
            entry.put("who", e.who()).put("what", e.what());
        }
        return Response.ok(out, MediaType.APPLICATION_JSON_TYPE).build();
    }

    @GET
    @Path("/{id}/report")
    @RolesAllowed(Roles.VIEWER)
    @Operation(summary = "The post-incident draft in Markdown: summary, what fired, what ran, who was told and who acted when, what failed,"
            + " what was rolled back, open questions, timeline")
    @APIResponse(responseCode = "200", description = "The draft (text/markdown)")
    @APIResponse(responseCode = "400", description = "The id is no incident id")
    @APIResponse(responseCode = "404", description = "No run belongs to such an incident")
    public Response report(@PathParam("id") String id) {
        Service service = serving.get();
        String report = service.incidents().report(checked(id), service.publicUrl()).orElseThrow(() -> notFound(id));
        return Response.ok(report, MARKDOWN).build();
    }

    static ObjectNode summary(IncidentRuns.Summary g) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("id", g.id());
        out.put("kind", g.kind().label());
        out.put("label", g.label());
        out.put("startedAt", g.startedAt().toString());
        out.put("runCount", g.runs());
        out.put("open", g.open());
        g.lastEndedAt().ifPresentOrElse(at -> out.put("lastEndedAt", at.toString()), () -> out.putNull("lastEndedAt"));
        out.put("href", "/api/incidents/" + g.id());
        out.put("report", "/api/incidents/" + g.id() + "/report");
        return out;
    }

    private static String checked(String id) {
        IncidentIds.problem(id).ifPresent(p -> {
            throw Problem.badRequest(p).exception();
        });
        return id;
    }

    private static ProblemException notFound(String id) {
        return Problem.notFound("no incident " + id + "; GET /api/incidents lists the recent ones").exception();
    }
}
