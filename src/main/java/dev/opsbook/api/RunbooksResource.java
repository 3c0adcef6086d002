package dev.opsbook.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsbook.graph.LoadedRunbook;
import dev.opsbook.serve.Serving;
import dev.opsbook.service.RunQueries;
import dev.opsbook.service.RunView;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The runbooks and playbooks served: each with its parameter schema, triggers, owner, approval policy and last runs. */
@Path("/api")
@Tag(name = "runbooks")
@Blocking
public class RunbooksResource {

    private static final int LAST_RUNS = 5;

    @Inject
    Serving serving;

    @GET
    @Path("runbooks")
    @RolesAllowed("viewer")
    @Operation(summary = "Every runbook and playbook served, with parameter schema, triggers, owner and last runs")
    @APIResponse(responseCode = "200", description = "The runbooks")
    public Response list() {
        RunQueries queries = serving.get().queries();
        ArrayNode list = JsonNodeFactory.instance.arrayNode();
        for (LoadedRunbook runbook : serving.get().operations().runbooks()) {
            list.add(Views.runbook(runbook, lastRuns(queries, runbook)));
        }
        return Response.ok(JsonNodeFactory.instance.objectNode().set("runbooks", list), MediaType.APPLICATION_JSON_TYPE).build();
    }

    @GET
    @Path("runbooks/{id}")
    @RolesAllowed("viewer")
    @Operation(summary = "One runbook or playbook")
    @APIResponse(responseCode = "200", description = "The runbook")
    @APIResponse(responseCode = "404", description = "No runbook or playbook of that id is served")
    public Response get(@PathParam("id") String id) {
        LoadedRunbook runbook = Lookups.runbook(serving.get().operations(), id);
        ObjectNode out = Views.runbook(runbook, lastRuns(serving.get().queries(), runbook));
        return Response.ok(out, MediaType.APPLICATION_JSON_TYPE).build();
    }

    private static List<RunView> lastRuns(RunQueries queries, LoadedRunbook runbook) {
        return queries.list(RunQueries.Filter.latestOf(runbook.runbook().id(), LAST_RUNS));
    }
}
