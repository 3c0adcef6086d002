package dev.opsbook.audit;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads one line of a trail the way the verifier must: strictly (a key twice, bytes after the
 * object, a key too many are refused) and then byte for byte against the line {@link AuditEntry}
 * would write for what was read. //why: the hash covers what a reader sees, not the bytes; only
 * the one canonical spelling of an entry leaves nothing in the file that the hash does not cover.
 */
final class CanonicalLine {

    /** The keys of an entry, in the order they are written. */
    static final List<String> KEYS = List.of("seq", "at", "type", "data", "previous", "hash");

    private static final JsonMapper STRICT = JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
    private static final Pattern HASH = Pattern.compile("[0-9a-f]{64}");

    /** What a line holds: an entry (in canonical form or not), something unreadable in an entry's place, or nothing. */
    sealed interface Read {
    }

    /** {@code notCanonical} says what is wrong with the line's bytes, when something is. */
    record Entry(AuditEntry entry, Optional<String> notCanonical) implements Read {
    }

    /** A line that should hold an entry but cannot be read as one: it still takes an entry's place in the trail. */
    record Unreadable(String why) implements Read {
    }

    /** A blank line: no entry's place, and nothing in the chain. */
    record Blank(String why) implements Read {
    }

    private CanonicalLine() {
    }

    static Read read(byte[] bytes) {
        String line = new String(bytes, StandardCharsets.UTF_8);
        if (line.isBlank()) {
            return new Blank("a blank line: a trail is one entry per line, with no blank lines");
        }
        JsonNode node;
        try (JsonParser parser = STRICT.createParser(line)) {
            node = STRICT.readTree(parser);
            try {
                if (parser.nextToken() != null) {
                    return new Unreadable("bytes after the entry's JSON object, at column " + parser.currentTokenLocation().getColumnNr());
                }
            } catch (JsonProcessingException e) {
                return new Unreadable("bytes after the entry's JSON object, at column "
                        + (e.getLocation() == null ? parser.currentLocation().getColumnNr() : e.getLocation().getColumnNr()));
            }
        } catch (JsonProcessingException e) {
            return new Unreadable(describe(e));
        } catch (java.io.IOException e) {
            return new Unreadable("not a JSON entry: " + e.getMessage());
        }
        if (node == null || !node.isObject()) {
            return new Unreadable("not a JSON object");
        }
        List<String> keys = new ArrayList<>();
        node.fieldNames().forEachRemaining(keys::add);
        for (String key : keys) {
            if (!KEYS.contains(key)) {
                return new Unreadable("unknown key '" + key + "'; an entry has exactly the keys " + String.join(", ", KEYS));
            }
        }
        for (String key : KEYS) {
            if (!keys.contains(key)) {
                return new Unreadable("no key '" + key + "'; an entry has exactly the keys " + String.join(", ", KEYS));
            }
        }
        Optional<String> wrong = wrongValue(node);
        if (wrong.isPresent()) {
            return new Unreadable(wrong.get());
        }
        AuditEntry entry = new AuditEntry(node.get("seq").longValue(), Instant.parse(node.get("at").textValue()), node.get("type").textValue(),
                node.get("data"), node.get("previous").textValue(), node.get("hash").textValue());
        if (!keys.equals(KEYS)) {
            return new Entry(entry, Optional.of("keys out of order (" + String.join(", ", keys) + "); an entry writes them as "
                    + String.join(", ", KEYS)));
        }
        byte[] canonical = entry.toJsonLine().getBytes(StandardCharsets.UTF_8);
        if (!Arrays.equals(bytes, canonical)) {
            return new Entry(entry, Optional.of(difference(bytes, canonical, entry)));
        }
        return new Entry(entry, Optional.empty());
    }

    private static Optional<String> wrongValue(JsonNode node) {
        if (!node.get("seq").isIntegralNumber() || !node.get("seq").canConvertToLong() || node.get("seq").longValue() < 1) {
            return Optional.of("'seq' is " + node.get("seq") + ", not a whole number from 1");
        }
        if (!node.get("at").isTextual()) {
            return Optional.of("'at' is " + node.get("at") + ", not an ISO-8601 instant");
        }
        try {
            Instant.parse(node.get("at").textValue());
        } catch (DateTimeParseException e) {
            return Optional.of("'at' is " + node.get("at") + ", not an ISO-8601 instant");
        }
        if (!node.get("type").isTextual()) {
            return Optional.of("'type' is " + node.get("type") + ", not a text");
        }
        if (!node.get("data").isObject()) {
            return Optional.of("'data' is not a JSON object");
        }
        for (String key : List.of("previous", "hash")) {
            if (!node.get(key).isTextual() || !HASH.matcher(node.get(key).textValue()).matches()) {
                return Optional.of("'" + key + "' is " + node.get(key) + ", not a SHA-256 in 64 lower-case hex digits");
            }
        }
        return Optional.empty();
    }

    private static String difference(byte[] bytes, byte[] canonical, AuditEntry entry) {
        if (unsortedKeys(entry.data())) {
            return "the keys of 'data' are not in sorted order; an entry writes them sorted at every level";
        }
        int at = 0;
        while (at < bytes.length && at < canonical.length && bytes[at] == canonical[at]) {
            at++;
        }
        return "not in canonical form from column " + (at + 1)
                + " (spaces, escapes or the spelling of a number or instant differ from how an entry is written)";
    }

    private static boolean unsortedKeys(JsonNode node) {
        if (node.isObject()) {
            List<String> names = new ArrayList<>();
            node.fieldNames().forEachRemaining(names::add);
            List<String> sorted = new ArrayList<>(names);
            java.util.Collections.sort(sorted);
            if (!names.equals(sorted)) {
                return true;
            }
            for (JsonNode child : node) {
                if (unsortedKeys(child)) {
                    return true;
                }
            }
        } else if (node.isArray()) {
            for (JsonNode child : node) {
                if (unsortedKeys(child)) {
                    return true;
                }
            }
        }
        return false;
    }

    // //why: Jackson's message runs over several lines and names its own source; the line's column is what helps
    private static String describe(JsonProcessingException e) {
        String message = e.getOriginalMessage() == null ? e.getClass().getSimpleName() : e.getOriginalMessage().lines().findFirst().orElse("");
        if (message.startsWith("Duplicate field")) {
            return "a key twice: " + message.replace("Duplicate field", "duplicate key");
        }
        String where = e.getLocation() == null ? "" : " at column " + e.getLocation().getColumnNr();
        return "not a JSON entry" + where + ": " + message;
    }
}
