package dev.opsbook.web;

import dev.opsbook.serve.Caller;
import dev.opsbook.serve.Roles;
import dev.opsbook.serve.Serving;
import dev.opsbook.service.RunComments;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Optional;
import org.jboss.resteasy.reactive.RestForm;

/** The run page's comment forms: add one (on the run or a step), and edit or delete one's own; each goes back to the run page. */
@Path("/runs/{id}/comments")
@Blocking
@Produces(MediaType.TEXT_HTML)
@Consumes(MediaType.APPLICATION_FORM_URLENCODED)
@RolesAllowed(Roles.OPERATOR)
public class CommentForms {

    @Inject
    Serving serving;

    @Inject
    PageResponses pages;

    @Inject
    SecurityIdentity identity;

    @POST
    public Response add(@PathParam("id") String runId, @RestForm String text, @RestForm String step) {
        return done(runId, "Cannot comment", () -> comments().add(runId, Optional.ofNullable(step), orEmpty(text), who(), "web"));
    }

    @POST
    @Path("{commentId}/edit")
    public Response edit(@PathParam("id") String runId, @PathParam("commentId") String commentId, @RestForm String text) {
        return done(runId, "Cannot edit the comment", () -> comments().edit(runId, commentId, orEmpty(text), who(), "web"));
    }

    @POST
    @Path("{commentId}/delete")
    public Response delete(@PathParam("id") String runId, @PathParam("commentId") String commentId) {
        return done(runId, "Cannot delete the comment", () -> {
            comments().delete(runId, commentId, who(), "web");
            return null;
        });
    }

    private interface Change {
        Object apply() throws RunComments.Refused;
    }

    private Response done(String runId, String title, Change change) {
        try {
            change.apply();
            return PageResponses.seeOther(PageResponses.runPath(runId) + "#comments");
        } catch (RunComments.Refused e) {
            int status = switch (e.why()) {
                case NOT_FOUND -> 404;
                case BAD_INPUT -> 400;
                case NOT_AUTHOR -> 403;
            };
            return pages.error(status, title, e.getMessage(), identity);
        }
    }

    private RunComments comments() {
        return serving.get().operations().comments();
    }

    private String who() {
        return Caller.principal(identity).orElseThrow().who();
    }

    private static String orEmpty(String text) {
        return text == null ? "" : text;
    }
}
