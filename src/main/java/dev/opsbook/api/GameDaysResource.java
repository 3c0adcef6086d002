package dev.opsbook.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsbook.gameday.Expectations;
import dev.opsbook.gameday.Scenario;
import dev.opsbook.http.Problem;
import dev.opsbook.http.ProblemException;
import dev.opsbook.serve.Roles;
import dev.opsbook.serve.Serving;
import dev.opsbook.service.GameDayRuns;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Game days: start one from a scenario (its events injected through the intake as drills), follow how its expectations
 * stand, and read its report. What {@code opsbook gameday start} talks to.
 */
@Path("/api/gamedays")
@Tag(name = "gamedays")
@Blocking
public class GameDaysResource {

    private static final MediaType MARKDOWN = new MediaType("text", "markdown", "utf-8");

    @Inject
    Serving serving;

    @Inject
    SecurityIdentity identity;

    @POST
    @RolesAllowed(Roles.OPERATOR)
    @Operation(summary = "Start a game day: inject the scenario's events as drills, through the same intake and triggers as real events")
    @RequestBody(required = true, description = "The scenario: {\"name\": ..., \"events\": [event, ...], \"aws\": [simulated calls], \"live\": false,"
            + " \"expect\": {\"runbook-started\": ID, \"first-step-within\": \"30s\", \"decision-within\": \"15m\", \"status\": \"succeeded\"}}",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.OBJECT)))
    @APIResponse(responseCode = "201", description = "Started; Location names the game day, events says what became of each event")
    @APIResponse(responseCode = "422", description = "The scenario does not read: a problem with problems, each with its place in the scenario")
    public Response start(String body) {
        Scenario.Read read = Scenario.read(JsonBody.read(body));
        if (read.scenario().isEmpty()) {
            ObjectNode extra = JsonNodeFactory.instance.objectNode();
            read.problems().forEach(p -> extra.withArray("problems").add(p.toString()));
            throw new ProblemException(Problem.unprocessable("the scenario does not read: " + read.problems().get(0)
                    + (read.problems().size() > 1 ? " (and " + (read.problems().size() - 1) + " more)" : "")), Optional.of(extra));
        }
        GameDayRuns.Started started = serving.get().gameDays().start(read.scenario().get(), Lookups.who(identity).who());
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("id", started.id());
        out.put("href", "/api/gamedays/" + started.id());
        started.events().forEach(out.putArray("events")::add);
        return Response.status(Response.Status.CREATED).header(HttpHeaders.LOCATION, "/api/gamedays/" + started.id())
                .entity(out).type(MediaType.APPLICATION_JSON_TYPE).build();
    }

    @GET
    @RolesAllowed(Roles.VIEWER)
    @Operation(summary = "The latest game days, newest first")
    @APIResponse(responseCode = "200", description = "The game days")
    public Response list() {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        ArrayNode list = out.putArray("gamedays");
        serving.get().gameDays().latest(100).forEach(g -> list.addObject().put("id", g.id()).put("name", g.name())
                .put("startedBy", g.startedBy()).put("startedAt", g.startedAt().toString()).put("href", "/api/gamedays/" + g.id()));
        return Response.ok(out, MediaType.APPLICATION_JSON_TYPE).build();
    }

    @GET
    @Path("/{id}")
    @RolesAllowed(Roles.VIEWER)
    @Operation(summary = "A game day: its drills and how each expectation stands (met, missed, pending)")
    @APIResponse(responseCode = "200", description = "The game day; settled is true once no expectation is pending")
    @APIResponse(responseCode = "404", description = "No such game day in the store")
    public Response get(@PathParam("id") String id) {
        GameDayRuns.Status status = status(id);
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("id", status.gameDay().id());
        out.put("name", status.gameDay().name());
        out.put("startedBy", status.gameDay().startedBy());
        out.put("startedAt", status.gameDay().startedAt().toString());
        out.put("live", status.scenario().live());
        status.gameDay().eventIds().forEach(out.putArray("events")::add);
        ArrayNode runs = out.putArray("runs");
        status.runs().forEach(r -> runs.add(Views.runSummary(r)));
        ArrayNode judged = out.putArray("expectations");
        for (Expectations.Judged j : status.judged()) {
            judged.addObject().put("expectation", j.expectation()).put("verdict", j.verdict().label()).put("detail", j.detail());
        }
        out.put("over", status.over());
        out.put("settled", status.settled());
        out.put("report", "/api/gamedays/" + id + "/report");
        return Response.ok(out, MediaType.APPLICATION_JSON_TYPE).build();
    }

    @GET
    @Path("/{id}/report")
    @RolesAllowed(Roles.VIEWER)
    @Operation(summary = "The game day's report in Markdown: timeline, who was notified and who answered, expectations, gaps to discuss")
    @APIResponse(responseCode = "200", description = "The report (text/markdown)")
    @APIResponse(responseCode = "404", description = "No such game day in the store")
    public Response report(@PathParam("id") String id) {
        String report = serving.get().gameDays().report(id).orElseThrow(() -> notFound(id));
        return Response.ok(report, MARKDOWN).build();
    }

    private GameDayRuns.Status status(String id) {
        return serving.get().gameDays().status(id).orElseThrow(() -> notFound(id));
    }

    private static ProblemException notFound(String id) {
        return Problem.notFound("no game day " + id + "; GET /api/gamedays lists them").exception();
    }
}
