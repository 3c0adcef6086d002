package dev.opsbook.cli;

import dev.opsbook.engine.ItemLabel;
import dev.opsbook.engine.Role;
import dev.opsbook.engine.RunEvent;
import dev.opsbook.engine.RunListener;
import dev.opsbook.engine.RunState;
import dev.opsbook.engine.StepExecution;
import dev.opsbook.engine.StepStatus;
import dev.opsbook.record.StatusSymbols;
import dev.opsbook.runbook.Durations;

/** Live progress in the terminal: a line when a step starts, a line when it ends. */
final class ConsoleProgress implements RunListener {
    private final Terminal terminal;
    ConsoleProgress(Terminal terminal) {
        this.terminal = terminal;
    }

    @Override
    public void on(RunEvent event, RunState state) {
        if (event instanceof RunEvent.RunStarted e) {
            terminal.println(terminal.bold(e.title()) + terminal.dim("  run " + e.runId() + " of " + e.runbookId()
                    + ", started by " + e.startedBy()));
        } else if (event instanceof RunEvent.StepStarted e) {
            String role = e.role() == Role.NORMAL ? ForEachProgress.listed(e.input()).orElse("")
                    : e.role() == Role.ITEM ? "" : " (" + e.role().label() + " for " + e.forStep().orElse("?") + ")";
            terminal.println("  ▶ " + stepOf(state, e.key()) + terminal.dim(role + " …"));
        } else if (event instanceof RunEvent.AttemptFinished e && e.retryIn().isPresent()) {
            terminal.println(terminal.yellow("  ↻ " + stepOf(state, e.key()) + " attempt " + e.attempt().number() + " failed: "
                    + e.attempt().message() + "; retrying in " + Durations.format(e.retryIn().get())));
        } else if (event instanceof RunEvent.StepFinished e) {
            StepExecution x = state.execution(e.key()).orElse(null);
            String duration = x == null ? "" : x.duration().map(d -> "  " + Durations.format(d)).orElse("");
            String line = "  " + StatusSymbols.of(e.status()) + " " + stepOf(state, e.key()) + " " + e.status().label() + duration
                    + (e.message().isEmpty() ? "" : ": " + e.message());
            terminal.println(switch (e.status()) {
                case SUCCEEDED -> terminal.green(line);
                case FAILED, CANCELLED -> terminal.red(line);
                default -> terminal.yellow(line);
            });
        } else if (event instanceof RunEvent.StepSkipped e) {
            terminal.println(terminal.dim("  " + StatusSymbols.of(StepStatus.SKIPPED) + " " + stepOf(state, e.key()) + " skipped: " + e.reason()));
        } else if (event instanceof RunEvent.CancelRequested e) {
            terminal.println(terminal.yellow("  ⏹ cancelling: " + e.reason() + "; stopping running steps"));
        } else if (event instanceof RunEvent.RunTimedOut e) {
            terminal.println(terminal.red("  ⏱ run timed out after " + Durations.format(e.limit()) + "; stopping running steps"));
        } else if (event instanceof RunEvent.RunFinished e) {
            String line = StatusSymbols.of(e.status()) + " run " + e.status().label()
                    + (e.message().isEmpty() ? "" : ": " + e.message());
            terminal.println(e.status() == dev.opsbook.engine.RunStatus.SUCCEEDED ? terminal.green(terminal.bold(line)) : terminal.red(terminal.bold(line)));
        }
    }

    /** A step by its id; an item of a for-each step by its key and a short value: {@code restart[2] i-0abc…}. */
    private static String stepOf(RunState state, String key) {
        return ItemLabel.of(state, key).map(ItemLabel::toString).orElseGet(() -> state.execution(key).map(StepExecution::stepId).orElse(key));
    }
}
