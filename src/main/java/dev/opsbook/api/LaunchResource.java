package dev.opsbook.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsbook.engine.InvalidRunException;
import dev.opsbook.graph.LoadedRunbook;
import dev.opsbook.http.Problem;
import dev.opsbook.incident.IncidentIds;
import dev.opsbook.http.ProblemException;
import dev.opsbook.record.PlanJson;
import dev.opsbook.serve.Roles;
import dev.opsbook.serve.Serving;
import dev.opsbook.service.RunOperations;
import dev.opsbook.service.RunView;
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
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Launching a run of a runbook: {@code {"parameters": {...}, "dryRun": false}}. Parameters are
 * typed as the runbook declares them (numbers and booleans as JSON values or text); a dry run
 * answers the plan and runs nothing.
 */
@Path("/api")
@Tag(name = "runs")
@Blocking
public class LaunchResource {

    @Inject
    Serving serving;

    @Inject
    SecurityIdentity identity;

    @POST
    @Path("/runbooks/{id}/runs")
    @RolesAllowed(Roles.OPERATOR)
    @Operation(summary = "Launch a run (or, with dryRun, answer the plan with every input rendered and run nothing)")
    @RequestBody(required = false, description = "{\"parameters\": {\"name\": \"value\"}, \"dryRun\": false, \"incident\": \"INC-1234\"}: parameters typed as the runbook's parameter schema says;"
            + " incident (optional) the incident the run belongs to, letters, digits and -_.: up to 64",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.OBJECT)))
    @APIResponse(responseCode = "200", description = "The plan (dryRun: true)")
    @APIResponse(responseCode = "201", description = "The run started; Location names it")
    @APIResponse(responseCode = "422", description = "Parameters do not fit: a problem with problems (one per parameter) and the parameter schema")
    @APIResponse(responseCode = "503", description = "This instance runs as many runs as it may, or is draining")
    public Response launch(@PathParam("id") String id, String body) {
        RunOperations runs = serving.get().operations();
        LoadedRunbook runbook = Lookups.runbook(runs, id);
        Launch launch = Launch.read(JsonBody.read(body));
        try {
            if (launch.dryRun()) {
                return Response.ok(PlanJson.of(runs.plan(runbook, launch.parameters()), runbook.runbook()), MediaType.APPLICATION_JSON_TYPE).build();
            }
            String runId = runs.launch(runbook, launch.parameters(), Lookups.who(identity).who(), "api", launch.incident());
            RunView run = serving.get().queries().run(runId).orElseThrow();
            // //why: a path, as before: ResponseBuilder.location would make it absolute against this request's host
            return Response.status(Response.Status.CREATED).header(HttpHeaders.LOCATION, "/api/runs/" + runId)
                    .entity(Views.runSummary(run)).type(MediaType.APPLICATION_JSON_TYPE).build();
        } catch (RunOperations.Busy e) {
            throw new ProblemException(Problem.unavailable(e.getMessage()));
        } catch (InvalidRunException e) {
            ObjectNode extra = JsonNodeFactory.instance.objectNode();
            e.problems().forEach(extra.putArray("problems")::add);
            extra.set("parameters", Views.parameterSchema(runbook.runbook()));
            throw new ProblemException(Problem.unprocessable("the run cannot start: " + String.join("; ", e.problems())
                    + "; the parameters member of this document says what the runbook takes"), Optional.of(extra));
        }
    }

    /** A launch's body, checked member by member. */
    record Launch(Map<String, String> parameters, boolean dryRun, Optional<String> incident) {

        static Launch read(JsonNode body) {
            if (!body.isObject()) {
                throw Problem.badRequest("the body must be a JSON object such as {\"parameters\": {\"name\": \"value\"}, \"dryRun\": false}").exception();
            }
            body.fieldNames().forEachRemaining(key -> {
                if (!key.equals("parameters") && !key.equals("dryRun") && !key.equals("incident")) {
                    throw Problem.badRequest("unknown member '" + key + "' in the body; a launch takes parameters, dryRun and incident").exception();
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
            JsonNode incident = body.path("incident");
            if (!incident.isMissingNode() && !incident.isNull() && !incident.isTextual()) {
                throw Problem.badRequest("incident must be a string such as \"INC-1234\"").exception();
            }
            Optional<String> id = incident.isTextual() ? Optional.of(incident.asText()) : Optional.empty();
            id.flatMap(IncidentIds::problem).ifPresent(p -> {
                throw Problem.badRequest("incident: " + p).exception();
            });
            return new Launch(params, dryRun.asBoolean(false), id);
        }
    }
}
