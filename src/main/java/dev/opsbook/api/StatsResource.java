package dev.opsbook.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsbook.engine.RunStatus;
import dev.opsbook.http.Problem;
import dev.opsbook.serve.Roles;
import dev.opsbook.serve.Serving;
import dev.opsbook.stats.Stats;
import dev.opsbook.stats.StatsQuery;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The dashboards' figures: runs per day by status, success rate, timings, the steps that fail most, what to automate next. */
@Path("/api")
@Tag(name = "stats")
@Blocking
public class StatsResource {

    @Inject
    Serving serving;

    @GET
    @Path("/stats")
    @RolesAllowed(Roles.VIEWER)
    @Operation(summary = "What the runs add up to over a time range (30 days unless said), overall or for one runbook")
    @Parameter(name = "runbook", description = "A runbook's id; all runbooks when left out", schema = @Schema(type = SchemaType.STRING))
    @Parameter(name = "since", description = "Runs started at or after (an instant or a day); 30 days before until when left out",
            schema = @Schema(type = SchemaType.STRING, format = "date-time"))
    @Parameter(name = "until", description = "Runs started before (an instant or a day); now when left out",
            schema = @Schema(type = SchemaType.STRING, format = "date-time"))
    @Parameter(name = "drill", description = "true: drills (game days) count too; false (the default): real runs only",
            schema = @Schema(type = SchemaType.BOOLEAN))
    @APIResponse(responseCode = "200", description = "The figures; durations in milliseconds")
    @APIResponse(responseCode = "400", description = "A malformed time, a range the wrong way round or longer than 366 days")
    public Response stats(@QueryParam("runbook") String runbook, @QueryParam("since") String since, @QueryParam("until") String until,
                          @QueryParam("drill") String drill) {
        StatsQuery query;
        try {
            query = StatsQuery.parse(Optional.ofNullable(runbook), Optional.ofNullable(since), Optional.ofNullable(until),
                    Optional.ofNullable(drill), Instant.now());
        } catch (IllegalArgumentException e) {
            throw Problem.badRequest(e.getMessage()).exception();
        }
        return Response.ok(json(serving.get().queries().stats(query)), MediaType.APPLICATION_JSON_TYPE).build();
    }

    static ObjectNode json(Stats stats) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        stats.query().runbookId().ifPresentOrElse(id -> out.put("runbook", id), () -> out.putNull("runbook"));
        out.put("since", stats.query().since().toString());
        out.put("until", stats.query().until().toString());
        out.put("drills", stats.query().drills());
        out.put("runs", stats.runs());
        stats.successRate().ifPresentOrElse(rate -> out.put("successRate", rate), () -> out.putNull("successRate"));
        ArrayNode days = out.putArray("days");
        for (Stats.Day day : stats.days()) {
            ObjectNode d = days.addObject().put("day", day.day().toString()).put("runs", day.total());
            ObjectNode by = d.putObject("byStatus");
            for (RunStatus status : RunStatus.values()) {
                by.put(status.label(), day.byStatus().getOrDefault(status, 0L));
            }
        }
        timing(out.putObject("toFirstStep"), stats.toFirstStep());
        timing(out.putObject("waitingForPeople"), stats.waitingForPeople());
        timing(out.putObject("toResolution"), stats.toResolution());
        ArrayNode failing = out.putArray("failingSteps");
        stats.failing().forEach(f -> failing.addObject().put("runbook", f.runbookId()).put("step", f.stepId()).put("failures", f.failures())
                .put("runs", f.runs()).put("lastFailure", f.lastFailure().toString()));
        ArrayNode next = out.putArray("automateNext");
        stats.automateNext().forEach(c -> next.addObject().put("runbook", c.runbookId()).put("step", c.stepId()).put("kind", c.kind())
                .put("times", c.times()).put("personTimeMs", c.personTime().toMillis()).put("medianMs", c.median().toMillis())
                .put("usualAnswer", c.usualAnswer()).put("usualShare", c.sameShare()).put("reason", c.reason()));
        return out;
    }

    private static void timing(ObjectNode out, Stats.Timing timing) {
        out.put("count", timing.count());
        put(out, "medianMs", timing.median());
        put(out, "p90Ms", timing.p90());
        out.put("totalMs", timing.total().toMillis());
    }

    private static void put(ObjectNode out, String name, Optional<Duration> value) {
        value.ifPresentOrElse(v -> out.put(name, v.toMillis()), () -> out.putNull(name));
    }
}
