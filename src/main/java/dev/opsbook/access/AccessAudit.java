package dev.opsbook.access;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsbook.audit.AuditTrail;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;

/**
 * Every access decision the service makes, allowed or denied, in a hash-chained trail of its own
 * ({@code access.audit.jsonl} beside the records; {@code opsbook audit verify} checks it). An
 * entry says who (token id and name, never the secret), what (method, path, the action), the
 * decision, the status answered and why. Thread-safe.
 */
public final class AccessAudit implements AutoCloseable {

    public static final String FILE = "access.audit.jsonl";

    /** One decision. {@code principal} is empty when the request carried no valid token. */
    public record Decision(boolean allowed, int status, Optional<Principal> principal, String method, String path, String action,
                           String reason) {
    }

    private final AuditTrail trail;
    private final Clock clock;

    private AccessAudit(AuditTrail trail, Clock clock) {
        this.trail = trail;
        this.clock = clock;
    }

    /** Opens (or goes on with) the trail in {@code recordDir}. */
    public static AccessAudit in(Path recordDir, Clock clock) {
        try {
            return new AccessAudit(AuditTrail.continueAt(recordDir.resolve(FILE)), clock);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the access audit " + recordDir.resolve(FILE), e);
        }
    }

    public void record(Decision decision) {
        ObjectNode data = JsonNodeFactory.instance.objectNode();
        data.put("decision", decision.allowed() ? "allowed" : "denied");
        data.put("status", decision.status());
        decision.principal().ifPresentOrElse(p -> {
            data.put("token", p.tokenId());
            data.put("name", p.name());
            data.put("roles", String.join(",", p.roles().stream().map(Role::label).sorted().toList()));
        }, () -> data.putNull("token"));
        data.put("method", decision.method());
        data.put("path", decision.path());
        data.put("action", decision.action());
        data.put("reason", decision.reason());
        trail.append(clock.instant(), "access", data);
    }

    public Path file() {
        return trail.file();
    }

    @Override
    public void close() throws IOException {
        trail.close();
    }
}
