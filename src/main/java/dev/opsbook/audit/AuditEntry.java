package dev.opsbook.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;

/**
 * One line of an audit trail. {@code hash} is the SHA-256 of the entry's canonical JSON (keys
 * sorted, no spaces) without the hash itself; {@code previous} is the hash of the entry before,
 * so changing or removing any entry breaks the chain after it. The line itself is canonical too
 * ({@link #toJsonLine()}): one spelling per entry, which {@link CanonicalLine} holds a trail to.
 */
public record AuditEntry(long seq, Instant at, String type, JsonNode data, String previous, String hash) {

    /** The {@code previous} of the first entry. */
    public static final String GENESIS = "0".repeat(64);

    private static final ObjectMapper JSON = new ObjectMapper();

    public static AuditEntry next(long seq, Instant at, String type, JsonNode data, String previous) {
        return new AuditEntry(seq, at, type, data, previous, hashOf(seq, at.toString(), type, data, previous));
    }

    static String hashOf(long seq, String at, String type, JsonNode data, String previous) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("seq", seq);
        body.put("at", at);
        body.put("type", type);
        body.set("data", data);
        body.put("previous", previous);
        try {
            byte[] canonical = JSON.writeValueAsBytes(canonical(body));
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canonical));
        } catch (NoSuchAlgorithmException | com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Keys sorted at every level, so the hash does not depend on how a writer ordered them. */
    static JsonNode canonical(JsonNode node) {
        if (node.isNumber() && !node.isIntegralNumber()) {
            // //why: hashed and written as a reader of the line sees it: the decimal 0.00001 reads back as the double 1.0E-5
            try {
                return JSON.readTree(JSON.writeValueAsString(node));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
        if (node.isObject()) {
            List<String> names = new ArrayList<>();
            node.fieldNames().forEachRemaining(names::add);
            Collections.sort(names);
            ObjectNode sorted = JsonNodeFactory.instance.objectNode();
            names.forEach(name -> sorted.set(name, canonical(node.get(name))));
            return sorted;
        }
        if (node.isArray()) {
            ArrayNode array = JsonNodeFactory.instance.arrayNode();
            node.forEach(item -> array.add(canonical(item)));
            return array;
        }
        return node;
    }

    /** The entry's one line (without the newline): keys in the order of {@link CanonicalLine#KEYS}, {@code data} canonical. */
    public String toJsonLine() {
        ObjectNode line = JsonNodeFactory.instance.objectNode();
        line.put("seq", seq);
        line.put("at", at.toString());
        line.put("type", type);
        line.set("data", canonical(data));
        line.put("previous", previous);
        line.put("hash", hash);
        return line.toString().replace("\n", "\\n");
    }

    public static AuditEntry parse(String line) throws com.fasterxml.jackson.core.JsonProcessingException {
        JsonNode node = JSON.readTree(line);
        return new AuditEntry(node.path("seq").asLong(), Instant.parse(node.path("at").asText()), node.path("type").asText(),
                node.path("data"), node.path("previous").asText(), node.path("hash").asText());
    }
}
