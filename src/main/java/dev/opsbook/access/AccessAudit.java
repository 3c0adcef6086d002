package dev.opsbook.access;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsbook.audit.AuditSeals;
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
 * decision, the status answered and why; each field at most {@link #MAX_FIELD} characters. Thread-safe.
 */
public final class AccessAudit implements AutoCloseable {

    public static final String FILE = "access.audit.jsonl";

    /** Characters kept of each field of an entry (the path above all, which the client chooses); the rest is cut, and counted. */
    public static final int MAX_FIELD = 512;

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
        return at(recordDir.resolve(FILE), clock, AuditSeals.NONE);
    }

    /**
     * Opens (or goes on with) this instance's trail in {@code recordDir}: {@code access-INSTANCE.audit.jsonl}.
     *
     * //why: one file per instance: instances sharing a record folder would each chain onto a head the
     * other had moved, and the trail would no longer verify
     */
    public static AccessAudit in(Path recordDir, String instance, Clock clock) {
        return in(recordDir, instance, clock, AuditSeals.NONE);
    }

    /** Like {@link #in(Path, String, Clock)}, each entry sealed in {@code seals} (the store), so a cut tail shows. */
    public static AccessAudit in(Path recordDir, String instance, Clock clock, AuditSeals seals) {
        return at(recordDir.resolve(fileOf(instance)), clock, seals);
    }

    /** The trail's file name for an instance; characters a file name should not hold become '_'. */
    public static String fileOf(String instance) {
        return "access-" + instance.replaceAll("[^A-Za-z0-9._-]", "_") + ".audit.jsonl";
    }

    private static AccessAudit at(Path file, Clock clock, AuditSeals seals) {
        try {
            return new AccessAudit(AuditTrail.continueAt(file, seals), clock);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the access audit " + file, e);
        }
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
        trail.append(clock.instant(), "access", data);
    }

    /** The first {@link #MAX_FIELD} characters, and how many more there were: "/things/xx…[cut: 5488 more characters]". */
    static String cut(String value) {
        if (value == null || value.length() <= MAX_FIELD) {
            return value;
        }
        int end = Character.isHighSurrogate(value.charAt(MAX_FIELD - 1)) ? MAX_FIELD - 1 : MAX_FIELD;
        return value.substring(0, end) + "[cut: " + (value.length() - end) + " more characters]";
    }

    public Path file() {
        return trail.file();
    }

    @Override
    public void close() throws IOException {
        trail.close();
    }
}
