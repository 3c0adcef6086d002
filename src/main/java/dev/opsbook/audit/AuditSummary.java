package dev.opsbook.audit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.Yaml;

/** What a record says of its trail: where it is, how many entries, and the last hash. */
public record AuditSummary(Path file, long entries, String finalHash) {

    /** What the record beside {@code trail} ({@code RUN.md} beside {@code RUN.audit.jsonl}) sealed, if there is one. */
    public static Optional<AuditSummary> sealedBeside(Path trail) throws IOException {
        return frontMatterBeside(trail).flatMap(meta -> sealIn(trail, meta));
    }

    private static Optional<Map<?, ?>> frontMatterBeside(Path trail) throws IOException {
        String name = trail.getFileName().toString();
        if (!name.endsWith(".audit.jsonl")) {
            return Optional.empty();
        }
        Path record = trail.resolveSibling(name.substring(0, name.length() - ".audit.jsonl".length()) + ".md");
        if (!Files.exists(record)) {
            return Optional.empty();
        }
        String text = Files.readString(record, StandardCharsets.UTF_8).replace("\r\n", "\n"); // the record of a CRLF runbook is CRLF
        if (!text.startsWith("---\n")) {
            return Optional.empty();
        }
        int end = text.indexOf("\n---\n", 4);
        return new Yaml().load(text.substring(4, end < 0 ? text.length() : end)) instanceof Map<?, ?> meta ? Optional.of(meta) : Optional.empty();
    }

    private static Optional<AuditSummary> sealIn(Path trail, Map<?, ?> meta) {
        if (meta.get("audit") instanceof Map<?, ?> audit && audit.get("entries") instanceof Number entries) {
            return Optional.of(new AuditSummary(trail, entries.longValue(), String.valueOf(audit.get("finalSha256"))));
        }
        return Optional.empty();
    }
}
