package dev.opsbook.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsbook.audit.AuditVerifier;
import dev.opsbook.http.Problem;
import dev.opsbook.serve.Serving;
import dev.opsbook.service.RunAudits;
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
import java.io.IOException;
import java.util.Locale;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** A run's audit trail from the store (whichever instance ran it), and whether it is intact. */
@Path("/api")
@Tag(name = "runs")
@Blocking
public class AuditResource {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    Serving serving;

    @GET
    @Path("runs/{id}/audit")
    @RolesAllowed("viewer")
    @Operation(summary = "The run's audit trail, entry by entry, from the store (whichever instance ran it)")
    @APIResponse(responseCode = "200", description = "The entries")
    public Response audit(@PathParam("id") String id) throws IOException {
        RunQueries queries = serving.get().queries();
        RunView run = Lookups.run(queries, id);
        ArrayNode entries = JsonNodeFactory.instance.arrayNode();
        try {
            for (String line : queries.audits().lines(run.id())) {
                entries.add(JSON.readTree(line));
            }
        } catch (RunAudits.Unavailable e) {
            throw Problem.notFound(e.getMessage()).exception();
        }
        return json(JsonNodeFactory.instance.objectNode().put("run", run.id()).set("entries", entries));
    }

    /** What {@code opsbook audit verify RUN} says of the run's trail: every line canonical, the chain, and its end against the store's seal. */
    @GET
    @Path("runs/{id}/audit/verification")
    @RolesAllowed("viewer")
    @Operation(summary = "Whether the run's trail in the store is intact, as opsbook audit verify RUN says "
            + "(canonical lines, hash chain, and its end against the store's seal)")
    @APIResponse(responseCode = "200", description = "The verdict: valid, entries, finalHash, sealedBy (store, record, none), "
            + "checkedAgainstRecord, verdict (when valid), problems")
    public Response verification(@PathParam("id") String id) throws IOException {
        RunQueries queries = serving.get().queries();
        RunView run = Lookups.run(queries, id);
        AuditVerifier.Verification verification;
        try {
            verification = queries.audits().verify(run.id());
        } catch (RunAudits.Unavailable e) {
            throw Problem.notFound(e.getMessage()).exception();
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode().put("run", run.id()).put("valid", verification.valid())
                .put("entries", verification.entries()).put("finalHash", verification.finalHash())
                .put("sealedBy", verification.sealedBy().name().toLowerCase(Locale.ROOT))
                .put("checkedAgainstRecord", verification.sealedBy() == AuditVerifier.SealedBy.RECORD);
        if (verification.valid()) {
            out.put("verdict", verification.verdict());
        }
        ArrayNode problems = out.putArray("problems");
        verification.problems().forEach(problems::add);
        return json(out);
    }

    private static Response json(ObjectNode document) {
        return Response.ok(document, MediaType.APPLICATION_JSON_TYPE).build();
    }
}
