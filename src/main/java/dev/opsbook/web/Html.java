package dev.opsbook.web;

import com.vladsch.flexmark.util.sequence.Escaping;

/** Text made safe for HTML and SVG, in element content and in double-quoted attributes. */
final class Html {

    private Html() {
    }

    static String escape(String text) {
        return text == null ? "" : Escaping.escapeHtml(text, false).replace("'", "&#39;");
    }
}
