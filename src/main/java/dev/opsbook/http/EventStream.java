package dev.opsbook.http;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A server-sent events stream ({@code text/event-stream}): each event is written and flushed at
 * once. A send that fails means the client went away; the handler should return.
 */
public final class EventStream {

    private final OutputStream out;

    EventStream(OutputStream out) {
        this.out = out;
    }

    /** @param event the event's name ({@code event:}), or null for a plain message */
    public void send(String event, String data) throws IOException {
        StringBuilder text = new StringBuilder();
        if (event != null) {
            text.append("event: ").append(event.replaceAll("[\r\n]", " ")).append('\n');
        }
        for (String line : data.split("\r\n|\r|\n", -1)) {
            text.append("data: ").append(line).append('\n');
        }
        text.append('\n');
        write(text.toString());
    }

    /** A comment line: keeps proxies from closing a quiet stream. */
    public void keepAlive() throws IOException {
        write(": keep-alive\n\n");
    }

    private void write(String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
