package dev.opsbook.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.opsbook.deploy.CloudFormationYaml;
import dev.opsbook.deploy.RuleResources;
import dev.opsbook.graph.LoadedRunbook;
import dev.opsbook.graph.RunbookIds;
import dev.opsbook.runbook.Runbook;
import dev.opsbook.trigger.EventBridgeRules;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "deploy", mixinStandardHelpOptions = true, description = "Prints what deploys opsbook to AWS (see deploy/cloudformation.yaml).",
        subcommands = {DeployCommand.Rules.class})
public class DeployCommand {

    /** Output formats of {@code deploy rules}. */
    enum Format { json, cloudformation }

    @Command(name = "rules", mixinStandardHelpOptions = true,
            description = {"Prints the EventBridge rules that forward to opsbook's queue exactly the events some runbook's trigger can match:"
                    + " one rule per distinct pattern, rules that differ in one list of values merged. Where a pattern uses a form only"
                    + " opsbook's matcher reads, the rule is widened there (said on standard error): more events reach the queue, and"
                    + " opsbook still matches the pattern as written.",
                    "  --format json            [{\"triggers\": [...], \"eventPattern\": {...}}, ...]",
                    "  --format cloudformation  AWS::Events::Rule resources targeting EventQueue, and EventQueuePolicy letting"
                            + " events.amazonaws.com send from those rules only (the resources of deploy/cloudformation.yaml)"},
            footer = {"", "Exit status: 0 the rules are printed, 2 a runbook has errors or a path does not exist."})
    static class Rules implements Callable<Integer> {

        @Parameters(arity = "0..*", paramLabel = "PATH",
                description = "Runbook files or folders (default: the folders serve reads: opsbook.runbooks, else runbooks and playbooks).")
        List<Path> paths = List.of();

        @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "json", description = "json or cloudformation (default ${DEFAULT-VALUE}).")
        Format format;

        @Override
        public Integer call() throws Exception {
            Optional<List<Runbook>> runbooks = loadServed(paths.isEmpty() ? servedFolders() : paths);
            if (runbooks.isEmpty()) {
                return ExitCodes.INVALID;
            }
            EventBridgeRules.Result result = EventBridgeRules.of(runbooks.get());
            result.warnings().forEach(System.err::println);
            if (result.rules().isEmpty()) {
                System.err.println("opsbook: no runbook has a trigger, so no event needs to reach the queue: no rule");
            }
            if (format == Format.cloudformation) {
                System.out.print(result.rules().isEmpty() ? "" : CloudFormationYaml.write(RuleResources.cloudFormation(result.rules())));
            } else {
                System.out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(RuleResources.json(result.rules())));
            }
            return ExitCodes.OK;
        }
    }

    /** The folders {@code serve} reads when none is named: {@code opsbook.runbooks}, else those of runbooks and playbooks that exist. */
    static List<Path> servedFolders() {
        return Setting.RUNBOOKS.value()
                .map(s -> Arrays.stream(s.split(",")).map(String::strip).filter(p -> !p.isEmpty()).map(Path::of).toList())
                .orElseGet(() -> java.util.stream.Stream.of(Path.of("runbooks"), Path.of("playbooks")).filter(Files::isDirectory).toList());
    }

    /**
     * The runbooks serve would run from these paths: each loaded and checked, the first of each id. Empty, with each problem
     * said on standard error at its file, line and column, when a path is missing, a runbook has errors or two share an id.
     */
    static Optional<List<Runbook>> loadServed(List<Path> paths) {
        Runbooks.Found files = Runbooks.find(paths);
        boolean invalid = files.missing() > 0;
        List<LoadedRunbook> loaded = new ArrayList<>();
        for (Path file : files.files()) {
            Optional<LoadedRunbook> one = Runbooks.loadOrReport(file, true);
            one.ifPresent(loaded::add);
            invalid |= one.isEmpty();
        }
        RunbookIds.Checked ids = RunbookIds.check(loaded);
        ids.duplicates().forEach(d -> System.err.println(d.diagnostic()));
        if (invalid || !ids.duplicates().isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(ids.kept().stream().map(LoadedRunbook::runbook).toList());
    }
}
