package dev.opsbook.runbooktest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opsbook.rehearsal.AwsAnswer;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a case expects of its run ({@code expect:}).
 *
 * @param status the run's status
 * @param steps each named step's state: succeeded, failed, skipped, not-run, rolled-back, cancelled, waiting
 * @param calls AWS calls that must have been made (an input subset each; {@code times} when given: exactly so many)
 * @param noCalls AWS calls that must not have been made (with an input subset: no call with it)
 * @param outputs by step id, a subset of the step's outputs; by the name of a run output, its value
 * @param recordContains strings the run's record must contain
 * @param pointers where each expectation is, by key ({@code steps/ID}, {@code outputs/NAME}), for located errors
 */
public record Expectations(Optional<String> status, Map<String, String> steps, List<AwsAnswer> calls, List<Boolean> callCounted,
                           List<AwsAnswer> noCalls, Map<String, JsonNode> outputs, List<String> recordContains,
                           Map<String, String> pointers) {

    public static final List<String> STEP_STATES = List.of("succeeded", "failed", "skipped", "not-run", "rolled-back", "cancelled", "waiting");
}
