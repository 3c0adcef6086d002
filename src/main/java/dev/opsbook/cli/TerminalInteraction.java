package dev.opsbook.cli;

import dev.opsbook.engine.Interaction;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Clock;

/**
 * Asks the person at the terminal, one question at a time (parallel branches wait their turn).
 * With {@code --yes} every manual step and approval is confirmed, and the record says so.
 */
final class TerminalInteraction implements Interaction {
    private final Terminal terminal;
    private final boolean yes;
    private final boolean interactive;
    private final String user;
    private final Clock clock;
    private final BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));

    TerminalInteraction(Terminal terminal, boolean yes, boolean interactive, String user, Clock clock) {
        this.terminal = terminal;
        this.yes = yes;
        this.interactive = interactive;
        this.user = user;
        this.clock = clock;
    }

    @Override
    public synchronized Answer ask(Prompt prompt) throws Unavailable, InterruptedException {
        boolean approval = prompt.kind() == Interaction.Ask.APPROVAL;
        if (yes) {
            terminal.println("  " + (approval && !prompt.approvers().allow(user) ? "✘ cannot approve " + prompt.stepId() + " as " + user
                    : approval ? "✔ approved " + prompt.stepId() : "✔ confirmed " + prompt.stepId()) + " (--yes)");
            return new Answer(true, user, "", clock.instant(), "--yes");
        }
        if (!interactive) {
            throw new Unavailable((approval ? "approval" : "manual step") + " '" + prompt.stepId()
                    + "' needs a person and there is no terminal; run it from a terminal, or pass --yes to confirm every manual step and approval");
        }
        terminal.println("");
        terminal.println(terminal.bold(approval ? "  ⛔ Approval needed: " + prompt.stepId() : "  ☐ Manual step: " + prompt.stepId()));
        prompt.text().lines().forEach(line -> terminal.println("    " + line));
        String question = approval ? "  Approve? [y/N] " : "  Done? [y/n] ";
        while (true) {
            String answer = readLine(question);
            if (answer == null) {
                throw new Unavailable("the terminal closed before '" + prompt.stepId() + "' was answered");
            }
            answer = answer.strip().toLowerCase(java.util.Locale.ROOT);
            if (answer.isEmpty() && approval) {
                answer = "n";
            }
            if (answer.equals("y") || answer.equals("yes") || answer.equals("n") || answer.equals("no")) {
                boolean confirmed = answer.startsWith("y");
                String comment = readLine("  Comment (optional): ");
                return new Answer(confirmed, user, comment == null ? "" : comment.strip(), clock.instant(), "terminal");
            }
        }
    }

    private String readLine(String question) throws InterruptedException {
        terminal.out().print(question);
        terminal.out().flush();
        try {
            // //why: a blocking read cannot be interrupted, so poll for input and stay cancellable.
            while (!in.ready()) {
                Thread.sleep(50);
            }
            return in.readLine();
        } catch (IOException e) {
            return null;
        }
    }
}
