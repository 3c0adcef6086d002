package dev.opsbook.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsbook.engine.RunStatus;
import dev.opsbook.http.Problem;
import dev.opsbook.serve.Roles;
import dev.opsbook.serve.Serving;
import dev.opsbook.service.RunOperations;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Steering a run an operator launched or inherited: cancel it (whichever instance runs it), or resume a failed one from a step. */
@Path("/api")
@Tag(name = "runs")
@Blocking
public class RunControlResource {

    @Inject
    Serving serving;

    @Inject
    SecurityIdentity identity;

    @POST
    @Path("/runs/{id}/cancel")
    @RolesAllowed(Roles.OPERATOR)
    @Operation(summary = "Cancel a run, whichever instance runs it")
    @RequestBody(required = false, description = "{\"reason\": \"...\"}, or nothing",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.OBJECT)))
    @APIResponse(responseCode = "200", description = "A waiting run: cancelled at once")
    @APIResponse(responseCode = "202", description = "A running run: cancellation requested; the instance running it stops it within a second")
    @APIResponse(responseCode = "409", description = "The run has stopped already")
    public Response cancel(@PathParam("id") String id, String body) {
        String reason = JsonBody.read(body).path("reason").asText("");
        try {
            RunStatus status = serving.get().operations().cancel(id, Lookups.who(identity).who(), reason);
            ObjectNode out = JsonNodeFactory.instance.objectNode().put("run", id).put("status", status.label());
            if (status == RunStatus.CANCELLED) {
                return Response.ok(out, MediaType.APPLICATION_JSON_TYPE).build();
            }
            out.put("detail", "cancellation requested; the instance running it stops it within a second");
            return Response.accepted(out).type(MediaType.APPLICATION_JSON_TYPE).build();
        } catch (RunOperations.Refused e) {
            throw (e.conflict() ? Problem.conflict(e.getMessage()) : Problem.notFound(e.getMessage())).exception();
        }
    }

    @POST
    @Path("/runs/{id}/ack")
    @RolesAllowed(Roles.OPERATOR)
    @Operation(summary = "Acknowledge a run that escalates (waits for a person, failed, needs attention): its escalation stops")
    @APIResponse(responseCode = "200", description = "Acknowledged; no further tier is told")
    @APIResponse(responseCode = "404", description = "No such run")
    @APIResponse(responseCode = "409", description = "Nothing escalates for the run, or someone acknowledged it already")
    public Response acknowledge(@PathParam("id") String id) {
        String by = Lookups.who(identity).who();
        try {
            String said = serving.get().operations().acknowledge(id, by, "api");
            return Response.ok(JsonNodeFactory.instance.objectNode().put("run", id).put("acknowledgedBy", by).put("detail", said),
                    MediaType.APPLICATION_JSON_TYPE).build();
        } catch (dev.opsbook.service.Approvals.Refused e) {
            throw (e.getMessage().startsWith("no run ") ? Problem.notFound(e.getMessage()) : Problem.conflict(e.getMessage())).exception();
        }
    }

    @POST
    @Path("/runs/{id}/resume")
    @RolesAllowed(Roles.OPERATOR)
    @Operation(summary = "Resume a failed run from a chosen step (it and every step after it run again)")
    @RequestBody(required = true, description = "{\"fromStep\": \"STEP\"}",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.OBJECT)))
    @APIResponse(responseCode = "202", description = "The run goes on in this instance")
    @APIResponse(responseCode = "409", description = "Not failed, or a step before the chosen one failed or was rolled back")
    public Response resume(@PathParam("id") String id, String body) {
        JsonNode fromStep = JsonBody.read(body).path("fromStep");
        if (!fromStep.isTextual() || fromStep.asText().isBlank()) {
            throw Problem.badRequest("say which step to resume from: {\"fromStep\": \"STEP\"}").exception();
        }
        try {
            serving.get().operations().restart(id, fromStep.asText(), Lookups.who(identity).who());
        } catch (RunOperations.Refused e) {
            throw (e.conflict() ? Problem.conflict(e.getMessage()) : Problem.notFound(e.getMessage())).exception();
        }
        return Response.accepted(JsonNodeFactory.instance.objectNode().put("run", id).put("fromStep", fromStep.asText()).put("status", "running"))
                .type(MediaType.APPLICATION_JSON_TYPE).header(HttpHeaders.LOCATION, "/api/runs/" + id).build();
    }
}
