package dev.opsbook.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Request;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.Variant;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;

/** The small set of routes ServerTest checks the HTTP layer with; only in the tests' application. */
@Path("/test-only")
public class TestOnlyResource {

    @Inject
    SecurityIdentity identity;

    @GET
    @Path("/open")
    @Produces(MediaType.APPLICATION_JSON)
    public JsonNode open() {
        return JsonNodeFactory.instance.objectNode().put("open", true);
    }

    @GET
    @Path("/things/{id}")
    @RolesAllowed(Roles.VIEWER)
    @Produces(MediaType.APPLICATION_JSON)
    public JsonNode thing(@PathParam("id") String id, @QueryParam("q") String q) {
        return JsonNodeFactory.instance.objectNode().put("id", id).put("by", Caller.principal(identity).orElseThrow().name())
                .put("q", q == null ? "" : q);
    }

    @GET
    @Path("/things/special")
    @RolesAllowed(Roles.VIEWER)
    @Produces(MediaType.APPLICATION_JSON)
    public JsonNode special() {
        return JsonNodeFactory.instance.objectNode().put("special", true);
    }

    @POST
    @Path("/things")
    @RolesAllowed(Roles.OPERATOR)
    @Produces(MediaType.APPLICATION_JSON)
    public Response create(JsonNode body) {
        // //why: as the old router sent it; Response.created would make it absolute
        return Response.status(201).header("Location", "/things/1").entity(body).build();
    }

    @POST
    @Path("/refuse")
    @RolesAllowed(Roles.OPERATOR)
    public String refuse() {
        throw dev.opsbook.http.Problem.forbidden("otto is not among the approvers this step names").exception();
    }

    @GET
    @Path("/doc")
    @RolesAllowed(Roles.VIEWER)
    @Produces({"text/markdown", "text/html"})
    public Response doc(@Context Request request) {
        Variant chosen = request.selectVariant(Variant.mediaTypes(MediaType.valueOf("text/markdown"), MediaType.TEXT_HTML_TYPE).build());
        String type = chosen == null ? "text/markdown" : chosen.getMediaType().toString();
        return Response.ok(type, type).build();
    }

    @GET
    @Path("/fails")
    @RolesAllowed(Roles.VIEWER)
    public String fails() {
        throw new IllegalStateException("secret inner detail");
    }

    @GET
    @Path("/stream")
    @RolesAllowed(Roles.VIEWER)
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @Blocking
    public void stream(@Context SseEventSink sink, @Context Sse sse) throws InterruptedException {
        try (sink) {
            for (int i = 1; i <= 3; i++) {
                sink.send(sse.newEventBuilder().name("tick").data("{\"n\":" + i + "}").build());
                Thread.sleep(20);
            }
        }
    }
}
