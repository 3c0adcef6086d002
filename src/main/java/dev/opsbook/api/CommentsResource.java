package dev.opsbook.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsbook.http.Problem;
import dev.opsbook.serve.Roles;
import dev.opsbook.serve.Serving;
import dev.opsbook.service.RunComments;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Comments on a run and its steps: read by any role, added by operators, edited or deleted by their author. */
@Path("/api/runs/{id}/comments")
@Tag(name = "runs")
@Blocking
@Produces(MediaType.APPLICATION_JSON)
public class CommentsResource {

    @Inject
    Serving serving;

    @Inject
    SecurityIdentity identity;

    @GET
    @RolesAllowed(Roles.VIEWER)
    @Operation(summary = "A run's comments, oldest first")
    @APIResponse(responseCode = "200", description = "{\"run\": ID, \"comments\": [{id, step, text, author, createdAt, editedAt}]}")
    @APIResponse(responseCode = "404", description = "No such run")
    public ObjectNode list(@PathParam("id") String runId) {
        try {
            List<RunComments.View> comments = comments().list(runId);
            ObjectNode out = JsonNodeFactory.instance.objectNode().put("run", runId);
            ArrayNode array = out.putArray("comments");
            comments.forEach(c -> array.add(json(c)));
            return out;
        } catch (RunComments.Refused e) {
            throw problem(e);
        }
    }

    @POST
    @RolesAllowed(Roles.OPERATOR)
    @Operation(summary = "Comment on a run, or on one of its steps; the caller is the author")
    @RequestBody(required = true, description = "{\"text\": \"...\", \"step\": \"STEP\" (optional: a step id, ID[i], handler/for-owner)}",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.OBJECT)))
    @APIResponse(responseCode = "201", description = "The comment, with its id; the run's record shows it")
    @APIResponse(responseCode = "400", description = "No text, a text over 4000 characters, or a step the run does not have")
    @APIResponse(responseCode = "404", description = "No such run")
    public Response add(@PathParam("id") String runId, String body) {
        JsonNode request = JsonBody.read(body);
        JsonNode step = request.path("step");
        if (!step.isMissingNode() && !step.isNull() && !step.isTextual()) {
            throw Problem.badRequest("\"step\" is a step id as text, e.g. {\"text\": \"...\", \"step\": \"restart\"}").exception();
        }
        try {
            RunComments.View added = comments().add(runId, Optional.ofNullable(step.isTextual() ? step.asText() : null), text(request),
                    Lookups.who(identity).who(), "api");
            return Response.status(201).entity(json(added)).type(MediaType.APPLICATION_JSON_TYPE)
                    .header(HttpHeaders.LOCATION, "/api/runs/" + runId + "/comments/" + added.id()).build();
        } catch (RunComments.Refused e) {
            throw problem(e);
        }
    }

    @PUT
    @Path("{commentId}")
    @RolesAllowed(Roles.OPERATOR)
    @Operation(summary = "Change the text of a comment of one's own")
    @RequestBody(required = true, description = "{\"text\": \"...\"}",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.OBJECT)))
    @APIResponse(responseCode = "200", description = "The comment as it is now, with editedAt")
    @APIResponse(responseCode = "400", description = "No text, or a text over 4000 characters")
    @APIResponse(responseCode = "403", description = "Someone else wrote it: only its author edits it")
    @APIResponse(responseCode = "404", description = "No such run or comment")
    public ObjectNode edit(@PathParam("id") String runId, @PathParam("commentId") String commentId, String body) {
        try {
            return json(comments().edit(runId, commentId, text(JsonBody.read(body)), Lookups.who(identity).who(), "api"));
        } catch (RunComments.Refused e) {
            throw problem(e);
        }
    }

    @DELETE
    @Path("{commentId}")
    @RolesAllowed(Roles.OPERATOR)
    @Operation(summary = "Delete a comment of one's own (the audit trail keeps that it was there)")
    @APIResponse(responseCode = "204", description = "Deleted")
    @APIResponse(responseCode = "403", description = "Someone else wrote it: only its author deletes it")
    @APIResponse(responseCode = "404", description = "No such run or comment")
    public Response delete(@PathParam("id") String runId, @PathParam("commentId") String commentId) {
        try {
            comments().delete(runId, commentId, Lookups.who(identity).who(), "api");
            return Response.noContent().build();
        } catch (RunComments.Refused e) {
            throw problem(e);
        }
    }

    private RunComments comments() {
        return serving.get().operations().comments();
    }

    private static String text(JsonNode request) {
        JsonNode text = request.path("text");
        if (!text.isTextual()) {
            throw Problem.badRequest("say what to comment: {\"text\": \"...\"}").exception();
        }
        return text.asText();
    }

    static ObjectNode json(RunComments.View c) {
        ObjectNode out = JsonNodeFactory.instance.objectNode().put("id", c.id()).put("run", c.runId());
        c.step().ifPresentOrElse(s -> out.put("step", s), () -> out.putNull("step"));
        out.put("text", c.text()).put("author", c.author()).put("createdAt", c.createdAt().toString());
        c.editedAt().ifPresentOrElse(e -> out.put("editedAt", e.toString()), () -> out.putNull("editedAt"));
        return out;
    }

    private static RuntimeException problem(RunComments.Refused e) {
        Problem problem = switch (e.why()) {
            case NOT_FOUND -> Problem.notFound(e.getMessage());
            case BAD_INPUT -> Problem.badRequest(e.getMessage());
            case NOT_AUTHOR -> Problem.forbidden(e.getMessage());
        };
        return problem.exception();
    }
}
