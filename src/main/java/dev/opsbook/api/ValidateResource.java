package dev.opsbook.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opsbook.http.Problem;
import dev.opsbook.serve.Serving;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Validating a runbook's text without serving it: the diagnostics {@code opsbook validate} prints, with line and column. */
@Path("/api")
@Tag(name = "runbooks")
@Blocking
public class ValidateResource {

    @Inject
    Serving serving;

    @POST
    @Path("validate")
    @RolesAllowed("viewer")
    @Operation(summary = "Validate a runbook's text; diagnostics with line and column")
    @RequestBody(description = "The runbook's Markdown (text/markdown), or {\"file\": \"name.md\", \"text\": \"...\"} (application/json)")
    @APIResponse(responseCode = "200", description = "The diagnostics")
    public Response validate(@Parameter(description = "The file name diagnostics name") @QueryParam("file") @DefaultValue("runbook.md") String file,
                             @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType, String body) {
        String name = file;
        String text = body == null ? "" : body;
        if (contentType != null && contentType.startsWith("application/json")) {
            JsonNode json = JsonBody.read(text);
            if (!json.path("text").isTextual()) {
                throw Problem.badRequest("a JSON body needs text: the runbook's Markdown; or send the Markdown itself as text/markdown").exception();
            }
            text = json.path("text").asText();
            name = json.path("file").asText(name);
        }
        if (text.isBlank()) {
            throw Problem.badRequest("the body is empty; send the runbook's Markdown (Content-Type: text/markdown)").exception();
        }
        return Response.ok(Views.diagnostics(serving.get().operations().loader().load(name, text).diagnostics()),
                MediaType.APPLICATION_JSON_TYPE).build();
    }
}
