package dev.opsbook.cli;

import picocli.CommandLine.Command;

/** {@code opsbook gameday start|report}: rehearse an incident against a running serve, and review it afterwards. */
@Command(name = "gameday", mixinStandardHelpOptions = true,
        description = "Game days: inject a scenario's events into a running opsbook serve as drills, and report how the response went.",
        subcommands = {GameDayStart.class, GameDayReport.class},
        footer = {"", "Exit status: 0 every expectation met, 1 one was missed, 2 invalid input or serve refused (nothing started)."})
public class GameDayCommand {
}
