package dev.opsbook.cli;

import picocli.CommandLine.Command;

@Command(name = "opsbook", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Runs Markdown runbooks and playbooks, and writes down what happened.",
        subcommands = {RunCommand.class, ValidateCommand.class, GraphCommand.class, PolicyCommand.class, AuditCommand.class,
                EventsCommand.class, TestCommand.class, ServeCommand.class, RunsCommand.class, ShowCommand.class, DiffCommand.class, ApproveCommand.class, AckCommand.class, CommentCommand.class,
                ResumeCommand.class, TokenCommand.class, ResolveCommand.class, DeployCommand.class, CoverageCommand.class, GameDayCommand.class,
                IncidentCommand.class},
        footer = {"", "Exit status: 0 success, 1 the run failed, was cancelled or is waiting, 2 invalid input (nothing ran)."})
public class OpsbookCommand {
}
