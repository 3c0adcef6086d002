package dev.opsbook.cli;

import dev.opsbook.aws.AwsClients;
import dev.opsbook.aws.AwsInvoker;
import dev.opsbook.aws.AwsSecrets;
import dev.opsbook.aws.AwsServices;
import dev.opsbook.aws.AwsSettings;
import dev.opsbook.engine.Engine;
import dev.opsbook.engine.RunControl;
import dev.opsbook.engine.RunEvent;
import dev.opsbook.engine.RunListener;
import dev.opsbook.engine.RunRequest;
import dev.opsbook.engine.RunResult;
import dev.opsbook.engine.RunStatus;
import dev.opsbook.graph.LoadedRunbook;
import dev.opsbook.record.RecordWriter;
import dev.opsbook.service.Approvals;
import dev.opsbook.record.RecordPlace;
import dev.opsbook.service.RecordExport;
import dev.opsbook.service.RecordPlaces;
import dev.opsbook.service.RunRecords;
import dev.opsbook.service.StoringListener;
import dev.opsbook.store.RunStore;
import dev.opsbook.store.StoredRun;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "resume", mixinStandardHelpOptions = true,
        description = "Continues a waiting run here, in this terminal, once its waiting step was answered (opsbook approve),"
                + " or a run that needed attention once its steps were resolved (opsbook resolve).")
public class ResumeCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "RUN", description = "The run.")
    String runId;

    @Option(names = "--record-dir", paramLabel = "DIR", defaultValue = "records", description = "Where records go: a folder or"
            + " s3://BUCKET/PREFIX (default: ${DEFAULT-VALUE}).")
    String recordDir;

    @Mixin
    StoreOption store;

    @Override
    public Integer call() throws Exception {
        Clock clock = Clock.systemUTC();
        String user = System.getProperty("user.name", "unknown");
        if (store.missingTold()) {
            return ExitCodes.INVALID;
        }
        RecordPlace place;
        try {
            place = RecordPlaces.open(recordDir, AwsSettings.DEFAULTS);
        } catch (RecordPlaces.Unusable e) {
            System.err.println("error: " + e.getMessage());
            return ExitCodes.INVALID;
        }
        try (place; RunStore runs = store.open(); AwsClients clients = new AwsClients(AwsSettings.DEFAULTS)) {
            Optional<StoredRun> run = runs.run(runId);
            if (run.isEmpty()) {
                System.err.println("error: no run " + runId + " in " + runs.describe());
                return ExitCodes.INVALID;
            }
            List<RunEvent> events = runs.events(runId);
            if (!Approvals.resumable(events)) {
                System.err.println("error: run " + runId + " is " + run.get().status().label()
                        + (run.get().status() == RunStatus.WAITING ? " and nobody answered it yet; answer with opsbook approve " + runId + " "
                        + run.get().waitingFor()
                        : run.get().status() == RunStatus.NEEDS_ATTENTION ? " and step " + run.get().waitingFor() + " is not resolved yet;"
                        + " decide with opsbook resolve " + runId + " STEP --retry, --skip or --fail"
                        : ", nothing to resume"));
                return ExitCodes.FAILED;
            }
            Optional<List<RunEvent>> claimed = Approvals.claim(runs, runId, events, new RunEvent.RunResumed(clock.instant(), user));
            if (claimed.isEmpty()) {
                System.err.println("error: run " + runId + " was just taken up elsewhere (opsbook serve?)");
                return ExitCodes.FAILED;
            }
            List<RunEvent> history = claimed.get();
            LoadedRunbook loaded = Runbooks.loader().load(run.get().runbookFile(), runs.runbookText(runId).orElse(""));
            Terminal terminal = Terminal.stdout();
            ConsoleProgress progress = new ConsoleProgress(terminal);
            TerminalInteraction interaction = new TerminalInteraction(terminal, false, System.console() != null, user, clock);
            StoringListener storing = StoringListener.continuing(runs, history.size());
            RecordExport export = RecordExport.of(place, new RunRecords(runs, Runbooks.loader()), System.err);
            RunListener listeners = RunListener.storedFirst(storing, (event, state) -> {
                export.on(event, state);
                progress.on(event, state);
            });
            RunRequest request = new RunRequest(loaded, Map.of(), run.get().startedBy(), run.get().trigger(), interaction, Optional.empty(),
                    Path.of("").toAbsolutePath());
            RunResult result;
            try (Engine engine = new Engine(TerminalChildren.executors(clients, Optional.of(runs), run.get().runbookFile(), export,
                    interaction, clock), clock, () -> runId,
                    new AwsSecrets(new AwsInvoker(AwsServices.onClasspath(), clients), "opsbook-" + runId))) {
                result = engine.resume(request, history, user, listeners, new RunControl());
            }
            export.write(runId).ifPresent(record -> terminal.println("Record: " + record));
            return result.state().status() == RunStatus.SUCCEEDED ? ExitCodes.OK : ExitCodes.FAILED;
        }
    }
}
