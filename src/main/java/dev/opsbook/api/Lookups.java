package dev.opsbook.api;

import dev.opsbook.access.Principal;
import dev.opsbook.graph.LoadedRunbook;
import dev.opsbook.http.Problem;
import dev.opsbook.http.ProblemException;
import dev.opsbook.serve.Caller;
import dev.opsbook.service.RunOperations;
import dev.opsbook.service.RunQueries;
import dev.opsbook.service.RunView;
import io.quarkus.security.identity.SecurityIdentity;

/** What the resources look up by a path's names, or the problem saying how to find one; and who is calling. */
final class Lookups {

    private Lookups() {
    }

    static LoadedRunbook runbook(RunOperations runs, String id) {
        return runs.runbook(id).orElseThrow(() -> Problem.notFound("no runbook or playbook '" + id + "' is served; GET /api/runbooks lists "
                + (runs.runbooks().isEmpty() ? "them (there are none: check serve's --runbooks folders)"
                : "them: " + String.join(", ", runs.runbooks().stream().map(r -> r.runbook().id()).toList()))).exception());
    }

    static RunView run(RunQueries queries, String runId) {
        return queries.run(runId).orElseThrow(() -> runNotFound(queries, runId));
    }

    static ProblemException runNotFound(RunQueries queries, String runId) {
        return Problem.notFound("no run " + runId + " in " + queries.describe() + "; GET /api/runs lists them").exception();
    }

    /** The authenticated caller of a route that needs a role (the mechanism put it on the identity). */
    static Principal who(SecurityIdentity identity) {
        return Caller.principal(identity).orElseThrow(() -> Problem.unauthorized("this route needs a token").exception());
    }
}
