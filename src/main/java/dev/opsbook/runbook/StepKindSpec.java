package dev.opsbook.runbook;

import java.util.EnumSet;
import java.util.Set;

/**
 * What the parser must know of a step kind to check a document: its user-facing name, how its
 * body is read and which body keys it takes. Executors live above the model and provide this.
 *
 * @param textKey for {@link BodyFormat#YAML_OR_TEXT}, the key a plain-text body stands for
 * @param available false for kinds the format reserves but this build cannot run
 * @param check the kind's own checks of a step's body
 * @param traits what the kind is, for the code that treats kinds alike by what they are rather than by name
 */
public record StepKindSpec(
        String name,
        BodyFormat body,
        Set<String> requiredKeys,
        Set<String> optionalKeys,
        String textKey,
        boolean available,
        StepCheck check,
        Set<Trait> traits) {

    /** What a kind of step is. */
    public enum Trait {
        /** A person answers it instead of it running (manual, approve); a refusal is an answer, so it is never retried. */
        ASKS_A_PERSON,
        /** A person confirms a task done or not done (manual, and task-list items). */
        TASK,
        /** A gate a person approves or rejects, which {@code approvers} may limit (approve). */
        APPROVAL,
        /** Calls the AWS operation its body names with {@code service} and {@code operation} (aws, wait, and assert given a service). */
        CALLS_AWS,
        /** Only reads: an AWS operation that changes things is refused in it (wait, assert). */
        READ_ONLY,
        /** Publishes to the SNS topic its body names with {@code sns} (notify). */
        NOTIFIES,
        /** Its body is a program that reads the run's context as data, so a {@code {{ }}} template in it is an error (python). */
        PROGRAM,
        /** Runs another runbook, named by {@code runbook} (an id) or {@code path}, as a child run (runbook). */
        RUNS_A_RUNBOOK
    }

    public StepKindSpec {
        requiredKeys = Set.copyOf(requiredKeys);
        optionalKeys = Set.copyOf(optionalKeys);
        traits = traits.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(traits));
    }

    public static StepKindSpec script(String name) {
        return new StepKindSpec(name, BodyFormat.SCRIPT, Set.of(), Set.of(), null, true, StepCheck.NONE, Set.of());
    }

    public static StepKindSpec yaml(String name, Set<String> required, Set<String> optional) {
        return new StepKindSpec(name, BodyFormat.YAML, required, optional, null, true, StepCheck.NONE, Set.of());
    }

    public static StepKindSpec yamlOrText(String name, String textKey, Set<String> required, Set<String> optional) {
        return new StepKindSpec(name, BodyFormat.YAML_OR_TEXT, required, optional, textKey, true, StepCheck.NONE, Set.of());
    }

    /** A kind the format names but this build does not provide yet. */
    public static StepKindSpec reserved(String name) {
        return new StepKindSpec(name, BodyFormat.YAML, Set.of(), Set.of(), null, false, StepCheck.NONE, Set.of());
    }

    public StepKindSpec withCheck(StepCheck newCheck) {
        return new StepKindSpec(name, body, requiredKeys, optionalKeys, textKey, available, newCheck, traits);
    }

    public StepKindSpec withTraits(Trait... newTraits) {
        return new StepKindSpec(name, body, requiredKeys, optionalKeys, textKey, available, check, Set.of(newTraits));
    }

    public boolean acceptsKey(String key) {
        return requiredKeys.contains(key) || optionalKeys.contains(key) || key.equals("outputs");
    }
}
