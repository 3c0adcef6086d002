package dev.opsbook.web;

import dev.opsbook.access.Principal;
import dev.opsbook.engine.RunState;
import dev.opsbook.graph.LoadedRunbook;
import dev.opsbook.serve.Caller;
import dev.opsbook.service.RunComments;
import dev.opsbook.service.Service;
import io.quarkus.security.identity.SecurityIdentity;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** What the run page's comments section shows: the comments, who is looking (their own get Edit and Delete), the steps to pick. */
final class Comments {

    private Comments() {
    }

    static Map<String, Object> onPage(Service service, String runId, Map<String, Object> data, SecurityIdentity identity) {
        try {
            data.put("comments", service.operations().comments().list(runId));
        } catch (RunComments.Refused e) {
            data.put("comments", List.of()); // //why: the run was just read; a run gone since has no comments to show
        }
        data.put("me", Caller.principal(identity).map(Principal::who).orElse(""));
        return data;
    }

    /** The steps a comment may be on: the runbook's, then the executions the run had (for-each items, handlers). */
    static List<String> steps(LoadedRunbook loaded, RunState state) {
        Set<String> steps = new LinkedHashSet<>();
        loaded.runbook().steps().forEach(s -> steps.add(s.id()));
        steps.addAll(state.executions().keySet());
        return List.copyOf(steps);
    }
}
