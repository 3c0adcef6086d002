package dev.opsbook.access;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * What a token lets its holder do. Every role reads; {@code operator} also launches, cancels and
 * resumes runs; {@code approver} also answers waiting steps. A token may hold several.
 */
public enum Role {
    VIEWER,
    OPERATOR,
    APPROVER;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Role> parse(String label) {
        return Arrays.stream(values()).filter(r -> r.label().equals(label.strip().toLowerCase(Locale.ROOT))).findFirst();
    }

    /** "viewer, operator, approver": for messages that say what would be accepted. */
    public static String labels() {
        return String.join(", ", Arrays.stream(values()).map(Role::label).toList());
    }
}
