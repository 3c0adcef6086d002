package dev.opsbook.engine;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/**
 * How one item of a for-each step is named to people (terminal, audit trail): its key and a short form of its
 * value, {@code restart[2] i-0abc…}. Read from the run's state, whose values are already masked, so a secret item
 * shows as the mask.
 *
 * @param value the item's value on one line, at most {@link #SHORT} characters
 */
public record ItemLabel(String key, String stepId, int index, String value) {

    /** Characters of an item's value shown where a line names it. */
    public static final int SHORT = 40;

    /** The label of the item {@code key} names, when it names an item of a for-each step. */
    public static Optional<ItemLabel> of(RunState state, String key) {
        return ForEachItems.parse(key).map(item -> new ItemLabel(key, item.stepId(), item.index(),
                state.execution(item.stepId()).flatMap(ForEachItems::items).map(items -> items.path(item.index()))
                        .filter(v -> !v.isMissingNode()).map(v -> shortened(v, SHORT)).orElse("")));
    }

    /** A value on one line: text as it is, anything else as JSON, cut to {@code max} characters with an ellipsis. */
    public static String shortened(JsonNode value, int max) {
        String text = (value.isTextual() ? value.textValue() : value.toString()).replace('\n', ' ').replace('\r', ' ');
        return text.length() > max ? text.substring(0, max - 1) + "…" : text;
    }

    @Override
    public String toString() {
        return value.isEmpty() ? key : key + " " + value;
    }
}
