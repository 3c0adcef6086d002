package dev.opsbook.access;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.JsonNode;
import dev.opsbook.audit.AuditChains;
import dev.opsbook.audit.AuditFact;
import dev.opsbook.audit.AuditSeals;
import dev.opsbook.audit.AuditTrail;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/**
 * Every access decision the service makes, allowed or denied, in a hash-chained trail: in the store,
 * one chain per instance ({@code access-INSTANCE}; {@code opsbook audit verify --access} checks it),
 * or without a store a file ({@code access.audit.jsonl}). An entry says who (token id and name,
 * never the secret), what (method, path, the action), the decision, the status answered and why;
 * each field at most {@link #MAX_FIELD} characters. Thread-safe.
 */
public final class AccessAudit implements AutoCloseable {

    public static final String FILE = "access.audit.jsonl";

    /** The name of an instance's access trail in the store. */
    public static String trailOf(String instance) {
        return "access-" + instance;
    }

    /** Characters kept of each field of an entry (the path above all, which the client chooses); the rest is cut, and counted. */
    public static final int MAX_FIELD = 512;

    /** One decision. {@code principal} is empty when the request carried no valid token. */
    public record Decision(boolean allowed, int status, Optional<Principal> principal, String method, String path, String action,
                           String reason) {
    }

    private interface Sink {
        void append(Instant at, JsonNode data);
    }

    private final Sink sink;
    private final AutoCloseable closing;
    private final Clock clock;

    private AccessAudit(Sink sink, AutoCloseable closing, Clock clock) {
        this.sink = sink;
        this.closing = closing;
        this.clock = clock;
    }

    /** Opens (or goes on with) the trail file in {@code recordDir}: a service without a store (tests). */
    public static AccessAudit in(Path recordDir, Clock clock) {
        Path file = recordDir.resolve(FILE);
        try {
            AuditTrail trail = AuditTrail.continueAt(file, AuditSeals.NONE);
            return new AccessAudit((at, data) -> trail.append(at, "access", data), trail, clock);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the access audit " + file, e);
        }
    }

    /**
     * This instance's trail in the store, going on from its sealed end (a restarted instance goes on
     * with its chain). //why: one chain per instance, not one for all: every request appends, and one
     * chain would make every request of every instance wait on one row; an instance's own appends are
     * ordered here, so its chain never forks.
     */
    public static AccessAudit in(AuditChains chains, String instance, Clock clock) {
        String trail = trailOf(instance);
        Object order = new Object();
        return new AccessAudit((at, data) -> {
            synchronized (order) {
                try {
                    chains.append(trail, new AuditFact(at, "access", data));
                } catch (RuntimeException e) {
                    // //why: the request was answered already; the store being away must not turn it into an error
                    org.jboss.logging.Logger.getLogger("opsbook").warn("the access audit could not be written to " + chains.describe() + ": " + e.getMessage());
                }
            }
        }, () -> { }, clock);
    }

    public void record(Decision decision) {
        ObjectNode data = JsonNodeFactory.instance.objectNode();
        data.put("decision", decision.allowed() ? "allowed" : "denied");
        data.put("status", decision.status());
        decision.principal().ifPresentOrElse(p -> {
            data.put("token", p.tokenId());
            data.put("name", cut(p.name()));
            data.put("roles", String.join(",", p.roles().stream().map(Role::label).sorted().toList()));
        }, () -> data.putNull("token"));
        data.put("method", cut(decision.method()));
        data.put("path", cut(decision.path()));
        data.put("action", cut(decision.action()));
        data.put("reason", cut(decision.reason()));
        sink.append(clock.instant(), data);
    }

    /** The first {@link #MAX_FIELD} characters, and how many more there were: "/things/xx…[cut: 5488 more characters]". */
    static String cut(String value) {
        if (value == null || value.length() <= MAX_FIELD) {
            return value;
        }
        int end = Character.isHighSurrogate(value.charAt(MAX_FIELD - 1)) ? MAX_FIELD - 1 : MAX_FIELD;
        return value.substring(0, end) + "[cut: " + (value.length() - end) + " more characters]";
    }

    @Override
    public void close() throws IOException {
        try {
            closing.close();
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException(e);
        }
    }
}
