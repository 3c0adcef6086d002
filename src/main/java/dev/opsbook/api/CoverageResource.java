package dev.opsbook.api;

import dev.opsbook.alarm.AlarmReadException;
import dev.opsbook.http.Problem;
import dev.opsbook.serve.Roles;
import dev.opsbook.serve.Serving;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Which CloudWatch alarm starts which runbook served here: the alarms of serve's region, read on demand, kept a minute. */
@Path("/api")
@Tag(name = "coverage")
@Blocking
public class CoverageResource {

    @Inject
    Serving serving;

    @GET
    @Path("/coverage")
    @RolesAllowed(Roles.VIEWER)
    @Operation(summary = "Each CloudWatch alarm with the runbooks the event it sends on entering ALARM starts (parameters mapped),"
            + " or none; then the runbooks whose triggers match no alarm")
    @APIResponse(responseCode = "200", description = "The coverage, as `opsbook coverage --output json` prints it")
    @APIResponse(responseCode = "502", description = "CloudWatch could not be read; the detail says why and what to do")
    public Response coverage() {
        try {
            return Response.ok(serving.get().coverage().report().json(), MediaType.APPLICATION_JSON_TYPE).build();
        } catch (AlarmReadException e) {
            throw new Problem(502, "CloudWatch alarms not readable", e.getMessage()).exception();
        }
    }
}
