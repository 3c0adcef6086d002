package dev.opsbook.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** A command named first runs alone, yet answers under its full name exactly as it does under {@code opsbook}. */
class NamedCommandTest {

    @Test
    void every_command_named_first_is_built_alone_with_the_usage_it_has_under_opsbook() {
        for (Class<?> type : OpsbookCommand.class.getAnnotation(Command.class).subcommands()) {
            String name = type.getAnnotation(Command.class).name();
            CommandLine alone = Main.named(name, "--help").orElseThrow();
            CommandLine under = Main.commandLine().getSubcommands().get(name);

            assertThat(alone.getUsageMessage(CommandLine.Help.Ansi.OFF)).as(name).isEqualTo(under.getUsageMessage(CommandLine.Help.Ansi.OFF));
            assertThat(alone.getSubcommands().keySet()).as(name).isEqualTo(under.getSubcommands().keySet());
        }
    }

    @Test
    void options_and_unknown_words_go_to_opsbook_itself() {
        assertThat(Main.named()).isEmpty();
        assertThat(Main.named("--help")).isEmpty();
        assertThat(Main.named("valdate", "x.md")).isEmpty();
        assertThat(Arrays.asList(OpsbookCommand.class.getAnnotation(Command.class).subcommands())).contains(ValidateCommand.class);
    }
}
