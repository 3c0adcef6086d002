package dev.opsbook.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opsbook.graph.LoadedRunbook;
import dev.opsbook.runbook.Parameter;
import dev.opsbook.runbook.Runbook;
import dev.opsbook.runbook.Trigger;
import dev.opsbook.trigger.EventEnvelope;
import dev.opsbook.trigger.ParsedEvent;
import dev.opsbook.trigger.TriggerIndex;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "events", mixinStandardHelpOptions = true, description = "Works with the events that start runbooks.",
        subcommands = EventsCommand.Test.class)
public class EventsCommand {

    @Command(name = "test", mixinStandardHelpOptions = true,
            description = {"Tells which runbooks an EventBridge event would start, and with which parameters, as EventBridge's "
                    + "TestEventPattern does for one pattern: the event is matched against the triggers of every runbook under PATH "
                    + "(folders are searched for *.md files). Nothing runs.",
                    "When nothing would run, says why: the event is not an EventBridge event, no pattern matches (field by field), "
                            + "or a parameter cannot be mapped from it."},
            footer = {"", "Exit status: 0 at least one runbook would run, 1 none would, 2 invalid input (an unreadable or rejected "
                    + "event, a runbook with errors, a missing PATH)."})
    static class Test implements Callable<Integer> {

        static final List<Path> DEFAULT_PATHS = List.of(Path.of("runbooks"), Path.of("playbooks"));

        @Parameters(index = "0", paramLabel = "EVENT", description = "The event: a JSON file as EventBridge delivers it.")
        Path eventFile;

        @Parameters(index = "1..*", arity = "0..*", paramLabel = "PATH",
                description = "Runbook files or folders (default: runbooks playbooks, those that exist).")
        List<Path> paths;

        @Override
        public Integer call() {
            Terminal out = Terminal.stdout();
            Terminal err = Terminal.stderr();
            String body;
            try {
                body = Files.readString(eventFile, StandardCharsets.UTF_8);
            } catch (IOException e) {
                err.println(eventFile + ": error: cannot read: " + e.getMessage());
                return ExitCodes.INVALID;
            }
            ParsedEvent parsed = EventEnvelope.parse(body);
            if (parsed instanceof EventEnvelope.Rejection rejection) {
                err.println(err.red(eventFile + ": rejected: " + rejection.reason()));
                return ExitCodes.INVALID;
            }
            EventEnvelope event = (EventEnvelope) parsed;

            boolean defaults = paths == null || paths.isEmpty();
            //why: the default folders may be absent; only a path someone named must exist
            Runbooks.Found found = Runbooks.find(defaults ? DEFAULT_PATHS.stream().filter(Files::exists).toList() : paths);
            List<Path> files = found.files();
            boolean invalid = found.missing() > 0;
            List<Runbook> runbooks = new ArrayList<>();
            for (Path file : files) {
                try {
                    LoadedRunbook loaded = Runbooks.loader().load(file);
                    if (loaded.hasErrors()) {
                        loaded.errors().forEach(d -> err.println(err.red(d.toString())));
                        invalid = true;
                    } else {
                        runbooks.add(loaded.runbook());
                    }
                } catch (IOException e) {
                    err.println(file + ": error: cannot read: " + e.getMessage());
                    invalid = true;
                }
            }
            if (invalid) {
                err.println(err.red("Nothing tested: fix the problems above first (opsbook validate shows them all)."));
                return ExitCodes.INVALID;
            }

            TriggerIndex index = TriggerIndex.of(runbooks);
            long withTriggers = runbooks.stream().filter(r -> !r.triggers().isEmpty()).count();
            out.println("Event: " + event.summary());
            out.println("Tested against " + plural(index.triggerCount(), "trigger") + " in " + withTriggers + " of "
                    + plural(runbooks.size(), "runbook") + ".");
            out.println("");

            List<TriggerIndex.Match> matches = index.matches(event);
            List<TriggerIndex.Match> runs = index.runs(event);
            Map<Runbook, TriggerIndex.Match> running = new IdentityHashMap<>();
            runs.forEach(m -> running.put(m.runbook(), m));
            for (TriggerIndex.Match match : matches) {
                TriggerIndex.Match run = running.get(match.runbook());
                if (run != null && run.triggerIndex() == match.triggerIndex()) {
                    out.println(out.green("✅ would run " + name(match.runbook(), match.trigger())));
                    for (Parameter parameter : match.runbook().parameters()) {
                        JsonNode value = match.parameters().get(parameter.name());
                        String shown = parameter.isSecret() && value != null && !value.isNull() ? "********" : String.valueOf(value);
                        out.println("     " + parameter.name() + " = " + shown);
                    }
                } else if (!match.ok()) {
                    out.println(out.red("❌ matches " + name(match.runbook(), match.trigger()) + ", but cannot run:"));
                    match.problems().forEach(p -> out.println("     " + p));
                } else {
                    out.println(out.dim("➖ also matches " + name(match.runbook(), match.trigger()) + ": it runs once for this event, by "
                            + run.trigger().label()));
                }
            }
            if (matches.isEmpty()) {
                out.println(out.yellow(index.triggerCount() == 0 ? "No runbook here has triggers." : "No trigger matches this event."));
                for (TriggerIndex.Miss miss : index.misses(event.raw())) {
                    out.println("  " + name(miss.runbook(), miss.trigger()) + ":");
                    miss.reasons().forEach(r -> out.println("     " + r));
                }
            }
            out.println("");
            if (runs.isEmpty()) {
                out.println(out.red("No runbook would run."));
                return ExitCodes.FAILED;
            }
            out.println(out.green(plural(runs.size(), "runbook") + " would run."));
            return ExitCodes.OK;
        }

        private static String name(Runbook runbook, Trigger trigger) {
            return runbook.id() + ", " + trigger.label() + " (" + runbook.file() + ":" + trigger.position() + ")";
        }

        private static String plural(long count, String noun) {
            return count + " " + noun + (count == 1 ? "" : "s");
        }
    }
}
