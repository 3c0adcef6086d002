package dev.opsbook.trigger;

/** What reading a message body gives: an {@link EventEnvelope}, or an {@link EventEnvelope.Rejection} saying why it is none. */
public sealed interface ParsedEvent permits EventEnvelope, EventEnvelope.Rejection {
}
