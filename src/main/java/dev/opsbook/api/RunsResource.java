package dev.opsbook.api;

import dev.opsbook.http.Problem;
import dev.opsbook.serve.Roles;
import dev.opsbook.serve.Serving;
import dev.opsbook.service.RunQueries;
import dev.opsbook.service.RunRecords;
import dev.opsbook.service.RunView;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Request;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.core.Variant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Reading runs: the list (filtered, a page at a time), one run with its steps, attempts, outputs and approvals, and its record. */
@Path("/api")
@Tag(name = "runs")
@Blocking
public class RunsResource {

    private static final MediaType MARKDOWN = new MediaType("text", "markdown", "utf-8");
    private static final MediaType HTML = new MediaType("text", "html", "utf-8");

    @Inject
    Serving serving;

    @GET
    @Path("/runs")
    @RolesAllowed(Roles.VIEWER)
    @Operation(summary = "Runs, newest first, filtered and a page at a time")
    @Parameter(name = "runbook", description = "A runbook's id", schema = @Schema(type = SchemaType.STRING))
    @Parameter(name = "status", description = "running, succeeded, failed, cancelled, waiting", schema = @Schema(type = SchemaType.STRING))
    @Parameter(name = "trigger", description = "cli, event, api, web", schema = @Schema(type = SchemaType.STRING))
    @Parameter(name = "drill", description = "true: only drills (game days); false: only real runs", schema = @Schema(type = SchemaType.BOOLEAN))
    @Parameter(name = "q", description = "Only runs with every word of this in their runbook, parameters, step output or who acted (at most 200 characters)",
            schema = @Schema(type = SchemaType.STRING, maxLength = 200))
    @Parameter(name = "since", description = "Started at or after: an instant (2026-11-23T03:00:00Z), a date (UTC) or how long ago (24h, 7d)",
            schema = @Schema(type = SchemaType.STRING))
    @Parameter(name = "until", description = "Started before: an instant, a date (UTC) or how long ago", schema = @Schema(type = SchemaType.STRING))
    @Parameter(name = "incident", description = "Only the runs launched under this incident id (or inheriting it)", schema = @Schema(type = SchemaType.STRING))
    @Parameter(name = "offset", description = "Runs to skip", schema = @Schema(type = SchemaType.INTEGER, minimum = "0"))
    @Parameter(name = "limit", description = "Runs in a page (50 unless said)", schema = @Schema(type = SchemaType.INTEGER, minimum = "1", maximum = "500"))
    @APIResponse(responseCode = "200", description = "A page; next is the next page's address, or null")
    @APIResponse(responseCode = "400", description = "A filter, the search or the time range cannot be read: the problem says which and why")
    public Response list(@Context UriInfo uri) {
        // //why: every parameter, in the order sent, goes into the next page's address
        Map<String, List<String>> query = new LinkedHashMap<>(uri.getQueryParameters());
        RunPage page = RunPage.of(query);
        return json(page.document(serving.get().queries().list(page.filter())));
    }

    @GET
    @Path("/runs/{id}")
    @RolesAllowed(Roles.VIEWER)
    @Operation(summary = "A run with its steps, attempts, outputs and approvals")
    @APIResponse(responseCode = "200", description = "The run")
    @APIResponse(responseCode = "404", description = "No such run in the store")
    public Response get(@PathParam("id") String id) {
        RunQueries queries = serving.get().queries();
        RunQueries.Detail run = queries.detail(id).orElseThrow(() -> Lookups.runNotFound(queries, id));
        return json(Views.run(run.run(), run.result()));
    }

    @GET
    @Path("/runs/{id}/record")
    @RolesAllowed(Roles.VIEWER)
    @Operation(summary = "The run's record, as Markdown or HTML (by Accept)")
    @APIResponse(responseCode = "200", description = "The record (text/markdown, as opsbook show prints it, or text/html)")
    @APIResponse(responseCode = "406", description = "Accept takes neither text/markdown nor text/html")
    public Response record(@PathParam("id") String id, @Context Request request) {
        RunQueries queries = serving.get().queries();
        RunView run = Lookups.run(queries, id);
        Variant chosen = request.selectVariant(Variant.mediaTypes(MARKDOWN, HTML).build());
        if (chosen == null) {
            throw new Problem(406, "Not acceptable", "a record is text/markdown or text/html; ask for one of them in Accept").exception();
        }
        RunRecords.Rendered record = queries.record(run.id()).orElseThrow();
        return chosen.getMediaType().isCompatible(HTML)
                ? Response.ok(record.html(), HTML).build()
                : Response.ok(record.markdown(), MARKDOWN).build();
    }

    private static Response json(Object document) {
        return Response.ok(document, MediaType.APPLICATION_JSON_TYPE).build();
    }
}
