package dev.opsbook.runbook;

/**
 * A JMESPath expression written somewhere in a step.
 *
 * @param overResult true when it reads the step's own result (an output), not the run's context
 */
public record ExpressionSite(String expression, Position position, String where, boolean overResult) {
}
