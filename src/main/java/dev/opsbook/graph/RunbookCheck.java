package dev.opsbook.graph;

import dev.opsbook.runbook.Diagnostic;
import dev.opsbook.runbook.Runbook;
import java.util.List;

/**
 * A check of a whole runbook that needs something the model must not depend on: the syntax of
 * EventBridge patterns, say, which only event-ruler knows (see {@code trigger.TriggerPatternCheck}).
 * {@link RunbookLoader} runs each one it is given after the parser's and the graph's checks.
 * Pure unless it says otherwise ({@code steps.PythonCheck} starts the interpreter for runbooks with python steps).
 */
@FunctionalInterface
public interface RunbookCheck {

    /** @return problems placed in the runbook's file, as the parser places its own */
    List<Diagnostic> check(Runbook runbook);
}
