package dev.opsbook.runbooktest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opsbook.rehearsal.AwsAnswer;
import dev.opsbook.rehearsal.StepAnswer;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One case of a test file: the run's input, what the world answers, and what must come of it.
 *
 * @param params given as the run's parameters, over those the event maps
 * @param event the event the run is started by, matched against the runbook's triggers as {@code serve} matches it
 * @param strict shell and python steps must be simulated too ({@code sandbox: strict})
 * @param pointer where the case is in its file
 */
public record TestCase(String name, Map<String, String> params, Optional<JsonNode> event, List<AwsAnswer> aws,
                       Map<String, StepAnswer> steps, boolean strict, Expectations expect, String pointer) {
}
