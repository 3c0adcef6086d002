package dev.opsbook.runbook;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code approvers:} of an {@code approve} step: the people who may approve it, by the name an
 * answer records (an API token's name, the local user at a terminal). None listed: anyone who
 * may answer. Rejecting stays open to anyone who may answer: stopping is always allowed.
 */
public record Approvers(List<String> names) {

    public static final Approvers ANYONE = new Approvers(List.of());

    public Approvers {
        names = List.copyOf(names);
    }

    /** From a step's body: a list of names, or one name. */
    public static Approvers of(JsonNode settings) {
        JsonNode approvers = settings == null ? null : settings.get("approvers");
        if (approvers == null || approvers.isNull()) {
            return ANYONE;
        }
        List<String> names = new ArrayList<>();
        if (approvers.isArray()) {
            approvers.forEach(name -> names.add(name.asText().strip()));
        } else {
            names.add(approvers.asText().strip());
        }
        names.removeIf(String::isEmpty);
        return new Approvers(names);
    }

    public boolean anyone() {
        return names.isEmpty();
    }

    /** @param by who answered, as an answer records it ("ada", or "ada (tok-1a2b3c4d)" through a token) */
    public boolean allow(String by) {
        return anyone() || names.contains(person(by));
    }

    /** Why {@code by} may not approve step {@code stepId}, in one line. */
    public String refusal(String stepId, String by) {
        return "step '" + stepId + "' may be approved only by " + String.join(", ", names) + " (its approvers:), and "
                + person(by) + " is not one of them; ask one of them to approve it";
    }

    /** The person behind a name: "ada (tok-1a2b3c4d)" is ada, whichever of her tokens she used. */
    public static String person(String by) {
        return by.replaceFirst(" \\(tok-[0-9a-f]+\\)$", "").strip();
    }
}
