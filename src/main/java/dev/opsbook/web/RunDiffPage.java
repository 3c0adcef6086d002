package dev.opsbook.web;

import dev.opsbook.serve.Roles;
import dev.opsbook.serve.Serving;
import dev.opsbook.service.RunComparisons;
import dev.opsbook.service.RunView;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Two runs side by side ({@code /runs/A/diff/B}), what {@code GET /api/runs/{a}/diff/{b}} says, for people.
 * {@code /runs/ID/diff} compares a run with the run of its runbook before it; {@code ?with=OTHER} with any run, the
 * earlier one on the left.
 */
@Path("/runs/{id}/diff")
@Blocking
@Produces(MediaType.TEXT_HTML)
public class RunDiffPage {

    @Inject
    Serving serving;

    @Inject
    PageResponses pages;

    @Inject
    SecurityIdentity identity;

    @GET
    @RolesAllowed(Roles.VIEWER)
    public Response choose(@PathParam("id") String id, @QueryParam("with") String with) {
        var queries = serving.get().queries();
        Optional<RunView> run = queries.run(id);
        if (run.isEmpty()) {
            return pages.notFound("No run " + id + " in " + queries.describe() + ".", identity);
        }
        if (with != null && !with.isBlank()) {
            Optional<RunView> other = queries.run(with.strip());
            if (other.isEmpty()) {
                return pages.notFound("No run " + with.strip() + " in " + queries.describe() + " to compare run " + id + " with.", identity);
            }
            boolean otherFirst = other.get().startedAt().isBefore(run.get().startedAt());
            return PageResponses.seeOther(path(otherFirst ? other.get().id() : id, otherFirst ? id : other.get().id()));
        }
        Optional<String> previous = queries.comparisons().previous(id);
        if (previous.isEmpty()) {
            return pages.error(404, "Nothing to compare with", "Run " + id + " is the first run of " + run.get().runbookId()
                    + " in the store. Name another run to compare it with on its page.", identity);
        }
        return PageResponses.seeOther(path(previous.get(), id));
    }

    @GET
    @Path("{other}")
    @RolesAllowed(Roles.VIEWER)
    public Response compare(@PathParam("id") String a, @PathParam("other") String b) {
        var queries = serving.get().queries();
        RunComparisons.Outcome outcome = queries.comparisons().compare(a, b);
        if (outcome instanceof RunComparisons.Outcome.NoRun missing) {
            return pages.notFound("No run " + missing.runId() + " in " + queries.describe() + ".", identity);
        }
        return pages.page(200, "run-diff", identity, ComparisonView.of(((RunComparisons.Outcome.Compared) outcome).comparison()));
    }

    private static String path(String a, String b) {
        return PageResponses.runPath(a) + "/diff/" + URLEncoder.encode(b, StandardCharsets.UTF_8);
    }
}
