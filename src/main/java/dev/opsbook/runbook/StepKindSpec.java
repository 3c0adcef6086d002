package dev.opsbook.runbook;

import java.util.Set;

/**
 * What the parser must know of a step kind to check a document: its user-facing name, how its
 * body is read and which body keys it takes. Executors live above the model and provide this.
 *
 * @param textKey for {@link BodyFormat#YAML_OR_TEXT}, the key a plain-text body stands for
 * @param available false for kinds the format reserves but this build cannot run
 * @param check the kind's own checks of a step's body
 */
public record StepKindSpec(
        String name,
        BodyFormat body,
        Set<String> requiredKeys,
        Set<String> optionalKeys,
        String textKey,
        boolean available,
        StepCheck check) {

    public StepKindSpec {
        requiredKeys = Set.copyOf(requiredKeys);
        optionalKeys = Set.copyOf(optionalKeys);
    }

    public static StepKindSpec script(String name) {
        return new StepKindSpec(name, BodyFormat.SCRIPT, Set.of(), Set.of(), null, true, StepCheck.NONE);
    }

    public static StepKindSpec yaml(String name, Set<String> required, Set<String> optional) {
        return new StepKindSpec(name, BodyFormat.YAML, required, optional, null, true, StepCheck.NONE);
    }

    public static StepKindSpec yamlOrText(String name, String textKey, Set<String> required, Set<String> optional) {
        return new StepKindSpec(name, BodyFormat.YAML_OR_TEXT, required, optional, textKey, true, StepCheck.NONE);
    }

    /** A kind the format names but this build does not provide yet. */
    public static StepKindSpec reserved(String name) {
        return new StepKindSpec(name, BodyFormat.YAML, Set.of(), Set.of(), null, false, StepCheck.NONE);
    }

    public StepKindSpec withCheck(StepCheck newCheck) {
        return new StepKindSpec(name, body, requiredKeys, optionalKeys, textKey, available, newCheck);
    }

    public boolean acceptsKey(String key) {
        return requiredKeys.contains(key) || optionalKeys.contains(key) || key.equals("outputs");
    }
}
