package dev.opsbook.incident;

import java.util.Optional;
import java.util.regex.Pattern;

/** The incident ids people give at launch: a short token, so it fits a URL, a file name and a log line as it is. */
public final class IncidentIds {

    public static final int MAX_LENGTH = 64;

    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]*");

    private IncidentIds() {
    }

    /** What is wrong with {@code id} as an incident id, in one line; empty when it is fine. */
    public static Optional<String> problem(String id) {
        if (id == null || id.isEmpty()) {
            return Optional.of("an incident id must not be empty");
        }
        if (id.length() > MAX_LENGTH) {
            return Optional.of("an incident id has at most " + MAX_LENGTH + " characters; this one has " + id.length());
        }
        if (!TOKEN.matcher(id).matches()) {
            return Optional.of("an incident id is letters, digits and - _ . : (starting with a letter or digit), like INC-1234; got '"
                    + (id.length() > 80 ? id.substring(0, 80) + "…" : id).replaceAll("\\p{Cntrl}", "?") + "'");
        }
        return Optional.empty();
    }

    /** {@code id} when it is fine, else an {@link IllegalArgumentException} saying why. */
    public static String checked(String id) {
        problem(id).ifPresent(p -> {
            throw new IllegalArgumentException(p);
        });
        return id;
    }
}
