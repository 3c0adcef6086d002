package dev.opsbook.api;

import dev.opsbook.record.RunComparisonJson;
import dev.opsbook.serve.Roles;
import dev.opsbook.serve.Serving;
import dev.opsbook.service.RunComparisons;
import dev.opsbook.service.RunQueries;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Two runs compared, as {@code opsbook diff --output json} prints it. */
@Path("/api")
@Tag(name = "runs")
@Blocking
public class RunDiffResource {

    @Inject
    Serving serving;

    @GET
    @Path("/runs/{a}/diff/{b}")
    @RolesAllowed(Roles.VIEWER)
    @Operation(summary = "Two runs side by side: parameters, steps, outputs, durations, who answered, and the runbook's text diff when it changed")
    @APIResponse(responseCode = "200", description = "The comparison, A on the left")
    @APIResponse(responseCode = "404", description = "One of the runs is not in the store")
    public Response diff(@PathParam("a") String a, @PathParam("b") String b) {
        RunQueries queries = serving.get().queries();
        RunComparisons.Outcome outcome = queries.comparisons().compare(a, b);
        if (outcome instanceof RunComparisons.Outcome.NoRun missing) {
            throw Lookups.runNotFound(queries, missing.runId());
        }
        return Response.ok(RunComparisonJson.of(((RunComparisons.Outcome.Compared) outcome).comparison()), MediaType.APPLICATION_JSON_TYPE).build();
    }
}
