package dev.opsbook.api;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.opsbook.access.Principal;
import dev.opsbook.http.Problem;
import dev.opsbook.serve.Serving;
import dev.opsbook.service.Approvals;
import dev.opsbook.service.RunView;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Answering a step that waits for a person: approve (or, for a manual step, say it is done) or
 * reject, {@code {"comment": "..."}}. Who may answer is the service's decision ({@code Approvals}):
 * a refused approver is a 403 (the access audit keeps it as a denial with its reason), a run
 * that does not wait there a 409.
 */
@Path("/api")
@Tag(name = "runs")
@Blocking
public class RunAnswersResource {

    @Inject
    Serving serving;

    @Inject
    SecurityIdentity identity;

    @POST
    @Path("runs/{id}/steps/{step}/approve")
    @RolesAllowed("approver")
    @Operation(summary = "Approve a waiting step (or, for a manual step, say it is done)")
    @RequestBody(description = "{\"comment\": \"...\"}, or nothing")
    @APIResponse(responseCode = "200", description = "The answer is recorded; the service resumes the run")
    @APIResponse(responseCode = "403", description = "The step names its approvers and the caller is none of them")
    @APIResponse(responseCode = "409", description = "The run does not wait there, was answered, or the runbook wants another approver than its launcher")
    public Response approve(@PathParam("id") String id, @PathParam("step") String step, String body) {
        return answer(id, step, true, body);
    }

    @POST
    @Path("runs/{id}/steps/{step}/reject")
    @RolesAllowed("approver")
    @Operation(summary = "Reject a waiting step (the run fails there)")
    @RequestBody(description = "{\"comment\": \"...\"}, or nothing")
    @APIResponse(responseCode = "200", description = "The answer is recorded")
    @APIResponse(responseCode = "409", description = "The run does not wait there, or was answered")
    public Response reject(@PathParam("id") String id, @PathParam("step") String step, String body) {
        return answer(id, step, false, body);
    }

    private Response answer(String id, String step, boolean confirmed, String body) {
        RunView run = Lookups.run(serving.get().queries(), id);
        String comment = JsonBody.read(body).path("comment").asText("");
        Principal who = Lookups.who(identity);
        try {
            serving.get().operations().answer(run.id(), step, confirmed, who.who(), comment);
        } catch (Approvals.Refused e) {
            throw (e.forbidden() ? Problem.forbidden(e.getMessage()) : Problem.conflict(e.getMessage())).exception();
        }
        return Response.ok(JsonNodeFactory.instance.objectNode().put("run", run.id()).put("step", step)
                .put("answer", confirmed ? "approve" : "reject").put("by", who.who())
                .put("detail", "the service resumes the run within a second"), MediaType.APPLICATION_JSON_TYPE).build();
    }
}
