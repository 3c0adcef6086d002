package dev.opsbook.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsbook.engine.Interaction;
import dev.opsbook.runbook.Approvers;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;

class TerminalInteractionTest {

    private final ByteArrayOutputStream shown = new ByteArrayOutputStream();

    private String yesAs(String user, Approvers approvers) throws Exception {
        Terminal terminal = new Terminal(new PrintStream(shown, true, StandardCharsets.UTF_8), false);
        new TerminalInteraction(terminal, true, false, user, Clock.systemUTC())
                .ask(new Interaction.Prompt("run-1", "gate", Interaction.Ask.APPROVAL, "Go?", approvers));
        return shown.toString(StandardCharsets.UTF_8);
    }

    @Test
    void yes_does_not_claim_an_approval_its_approvers_refuse() throws Exception {
        String out = yesAs("alice", new Approvers(List.of("bob")));
        assertThat(out).doesNotContain("approved").contains("✘ cannot approve gate as alice (--yes)");
    }

    @Test
    void yes_approves_for_one_of_the_approvers() throws Exception {
        assertThat(yesAs("bob", new Approvers(List.of("bob")))).contains("✔ approved gate (--yes)");
    }
}
