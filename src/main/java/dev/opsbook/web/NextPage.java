package dev.opsbook.web;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Where a login sends the browser afterwards ({@code next}): a path of this site, or {@link #HOME}.
 * A value is taken only when it is an absolute path ({@code /...}, not {@code //...}) made of the
 * printable ASCII characters a URL may hold, with no backslash and no well-formed-looking escape
 * that decodes to a control character, a backslash or a leading {@code //}; {@code /login...} is
 * not taken either (a login loop).
 *
 * //why: browsers drop tabs and newlines from a Location and read a backslash as a slash, so
 * {@code /\t/evil.example} and {@code /\evil.example} lead to another site; an allow-list of
 * characters leaves no such reading to guess.
 */
final class NextPage {

    static final String HOME = "/runs";

    private NextPage() {
    }

    /** @param next the decoded {@code next} parameter, as the query or form gave it */
    static String from(Optional<String> next) {
        return next.filter(NextPage::sameSitePath).orElse(HOME);
    }

    static boolean sameSitePath(String next) {
        if (!next.startsWith("/") || next.startsWith("//") || next.startsWith("/login") || !urlCharacters(next)) {
            return false;
        }
        String decoded;
        try {
            decoded = URLDecoder.decode(next.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return false; // a '%' not followed by two hex digits
        }
        return !decoded.startsWith("//") && !decoded.startsWith("/login")
                && decoded.chars().noneMatch(c -> c == '\\' || Character.isISOControl(c));
    }

    /** Only RFC 3986's unreserved, reserved and '%' characters: no space, no control, no backslash, nothing beyond ASCII. */
    private static boolean urlCharacters(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean allowed = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                    || "-._~:/?#[]@!$&'()*+,;=%".indexOf(c) >= 0;
            if (!allowed) {
                return false;
            }
        }
        return true;
    }
}
