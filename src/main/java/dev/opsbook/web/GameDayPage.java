package dev.opsbook.web;

import dev.opsbook.record.RecordHtml;
import dev.opsbook.serve.Roles;
import dev.opsbook.serve.Serving;
import dev.opsbook.service.GameDayRuns;
import io.quarkus.qute.RawString;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The game days, and one game day's page: its report (the same Markdown as {@code opsbook gameday report}), rendered. */
@Path("/gamedays")
@Blocking
@Produces(MediaType.TEXT_HTML)
public class GameDayPage {

    /** A game day in the list. */
    public record Row(String id, String name, String startedBy, String startedAt, String started) {
    }

    @Inject
    Serving serving;

    @Inject
    PageResponses pages;

    @Inject
    SecurityIdentity identity;

    @GET
    @RolesAllowed(Roles.VIEWER)
    public Response list() {
        List<Row> rows = serving.get().gameDays().latest(200).stream().map(g -> new Row(g.id(), g.name(), g.startedBy(),
                g.startedAt().toString(), Views.WHEN.format(g.startedAt()))).toList();
        Map<String, Object> data = new HashMap<>();
        data.put("gamedays", rows);
        return pages.page(200, "gamedays", identity, data);
    }

    @GET
    @Path("{id}")
    @RolesAllowed(Roles.VIEWER)
    public Response gameDay(@PathParam("id") String id) {
        GameDayRuns gameDays = serving.get().gameDays();
        return gameDays.report(id).map(report -> {
            Map<String, Object> data = new HashMap<>();
            data.put("id", id);
            // //why: the report is built from stored, masked histories and rendered by the record's renderer, which escapes raw HTML
            data.put("report", new RawString(RecordHtml.render(report)));
            return pages.page(200, "gameday", identity, data);
        }).orElseGet(() -> pages.notFound("No game day " + id + ".", identity));
    }
}
