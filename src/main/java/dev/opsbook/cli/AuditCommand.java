package dev.opsbook.cli;

import dev.opsbook.audit.AuditSeals;
import dev.opsbook.audit.AuditVerifier;
import dev.opsbook.service.RunAudits;
import dev.opsbook.store.RunStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "audit", mixinStandardHelpOptions = true, description = "Works with audit trails: each run's, kept in the store, and each serve instance's access trail.",
        subcommands = {AuditCommand.Verify.class, AuditCommand.Import.class})
public class AuditCommand {

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = {"Checks audit trails: every entry in canonical form, the hash chain, and the end of the trail against its seal "
                    + "in the store.",
                    "  RUN...              runs' trails in the store (ids as opsbook runs lists them)",
                    "  --file TRAIL...     trail files (under --record-dir, or from --no-store runs),",
                    "                      against the store's seal, else the record beside them",
                    "  --access [INSTANCE] the access trails of serve instances, in the store"},
            footer = {"", "Exit status: 0 every trail verifies and ends where the store sealed it, 1 a trail was changed, cut, reordered or "
                    + "is not in canonical form, 2 a run or file cannot be read (not in the store, no such file), 3 every chain is intact "
                    + "but a trail has no seal in the store (no store, or a run made without one), so a cut tail could not be detected."})
    static class Verify implements Callable<Integer> {

        @Parameters(arity = "0..*", paramLabel = "RUN", description = "Run ids; with --file, trail files; with --access, instance names (default: all).")
        List<String> names = List.of();

        @Option(names = "--file", description = "The arguments are trail files, not run ids.")
        boolean file;

        @Option(names = "--access", description = "Verify the access trails of serve instances kept in the store.")
        boolean access;

        @Mixin
        StoreOption store;

        @Override
        public Integer call() {
            if (file && access) {
                System.err.println("error: --file and --access do not go together; verify access trails with --access, trail files with --file");
                return ExitCodes.INVALID;
            }
            if (names.isEmpty() && !access) {
                System.err.println("error: name the runs to verify (opsbook runs lists them), or trail files with --file, or use --access");
                return ExitCodes.INVALID;
            }
            Terminal out = Terminal.stdout();
            Optional<RunStore> opened = Optional.empty();
            String noStore = null;
            Optional<Path> missing = Stores.missingDefault(store.url);
            if (missing.isPresent()) {
                noStore = "no store: " + missing.get() + " does not exist here; name one with --store";
            } else {
                try {
                    opened = Optional.of(store.open());
                } catch (RuntimeException e) {
                    noStore = "no store: " + e.getMessage();
                }
            }
            try {
                if (file) {
                    return files(out, opened.map(RunStore::auditSeals).orElse(AuditSeals.unavailable(noStore)));
                }
                if (opened.isEmpty()) {
                    System.err.println("error: " + noStore + (access ? "" : "; to verify trail files, use opsbook audit verify --file TRAIL..."));
                    return ExitCodes.INVALID;
                }
                return access ? access(out, new RunAudits(opened.get())) : runs(out, new RunAudits(opened.get()), opened.get());
            } finally {
                opened.ifPresent(RunStore::close);
            }
        }

        private int runs(Terminal out, RunAudits audits, RunStore runs) {
            Outcome outcome = new Outcome();
            for (String name : names) {
                if (runs.run(name).isEmpty()) {
                    System.err.println(name + ": error: no run " + name + " in " + runs.describe()
                            + (Files.isRegularFile(Path.of(name)) ? "; to verify a trail file, use opsbook audit verify --file " + name
                            : "; name runs by id (opsbook runs lists them), or trail files with --file"));
                    outcome.worst = Math.max(outcome.worst, ExitCodes.INVALID);
                    continue;
                }
                try {
                    outcome.report(out, "run " + name, audits.verify(name));
                } catch (RunAudits.Unavailable e) {
                    System.err.println(name + ": error: " + e.getMessage());
                    outcome.worst = Math.max(outcome.worst, ExitCodes.INVALID);
                }
            }
            return outcome.code();
        }

        private int access(Terminal out, RunAudits audits) {
            List<String> trails = names.isEmpty() ? audits.accessTrails() : names.stream().map(n -> RunAudits.ACCESS_PREFIX + n).toList();
            if (trails.isEmpty()) {
                System.err.println("error: the store holds no access trail; opsbook serve writes one per instance");
                return ExitCodes.INVALID;
            }
            Outcome outcome = new Outcome();
            for (String trail : trails) {
                if (!audits.accessTrails().contains(trail)) {
                    System.err.println(trail + ": error: the store holds no access trail of instance " + trail.substring(RunAudits.ACCESS_PREFIX.length())
                            + "; its access trails are " + String.join(", ", audits.accessTrails()));
                    outcome.worst = Math.max(outcome.worst, ExitCodes.INVALID);
                    continue;
                }
                outcome.report(out, trail, audits.verifyAccess(trail));
            }
            return outcome.code();
        }

        private int files(Terminal out, AuditSeals seals) {
            Outcome outcome = new Outcome();
            for (String name : names) {
                Path trail = Path.of(name);
                try {
                    outcome.report(out, trail.toString(), AuditVerifier.verify(trail, seals));
                } catch (IOException e) {
                    boolean runId = !Files.exists(trail) && !name.contains("/") && !name.endsWith(AuditSeals.SUFFIX);
                    System.err.println(trail + ": error: cannot read: " + (e instanceof java.nio.file.NoSuchFileException ? "no such file" : e.getMessage())
                            + (runId ? "; to verify run " + name + " as the store keeps it, leave out --file" : ""));
                    outcome.worst = Math.max(outcome.worst, ExitCodes.INVALID);
                }
            }
            return outcome.code();
        }

        /** The worst of the verdicts so far, as an exit status. */
        private static final class Outcome {
            int worst = ExitCodes.OK;
            boolean unsealed;

            void report(Terminal out, String what, AuditVerifier.Verification verification) {
                if (!verification.valid()) {
                    verification.problems().forEach(p -> out.println(out.red("❌ " + p)));
                    worst = Math.max(worst, ExitCodes.FAILED);
                } else if (verification.sealedBy() == AuditVerifier.SealedBy.STORE) {
                    out.println(out.green("✅ " + what + ": " + verification.verdict()));
                } else {
                    out.println(out.yellow("⚠️ " + what + ": " + verification.verdict()));
                    unsealed = true;
                }
            }

            int code() {
                return worst == ExitCodes.OK && unsealed ? ExitCodes.UNSEALED : worst;
            }
        }
    }

    @Command(name = "import", mixinStandardHelpOptions = true,
            description = "Puts trail files (*.audit.jsonl) of runs in the store into the store, where opsbook audit verify RUN, the API "
                    + "and the run page read them: for runs whose trail began in a file, before opsbook kept trails in the store. "
                    + "Each file must verify on its own and fit the store's chain of its run; entries keep their hashes, and importing "
                    + "a file again adds nothing.",
            footer = {"", "Exit status: 0 every file was imported (or was already), 1 a file was refused (it does not verify, or does not "
                    + "fit the store's chain), 2 a file cannot be read or the store cannot be opened."})
    static class Import implements Callable<Integer> {

        @Parameters(arity = "1..*", paramLabel = "TRAIL", description = "Trail files.")
        List<Path> trails;

        @Mixin
        StoreOption store;

        @Override
        public Integer call() {
            Terminal out = Terminal.stdout();
            if (store.missingTold()) {
                return ExitCodes.INVALID;
            }
            RunStore opened;
            try {
                opened = store.open();
            } catch (RuntimeException e) {
                System.err.println("error: cannot open the store: " + e.getMessage());
                return ExitCodes.INVALID;
            }
            int worst = ExitCodes.OK;
            try (opened) {
                RunAudits audits = new RunAudits(opened);
                for (Path trail : trails) {
                    try {
                        RunAudits.Imported imported = audits.importTrail(trail);
                        out.println(out.green("✅ " + trail + ": run " + imported.runId() + ", " + imported.entries() + " entries, "
                                + (imported.added() == 0 ? "all in the store already" : imported.added() + " added to the store")));
                    } catch (RunAudits.Unavailable e) {
                        System.err.println(trail + ": error: not imported: " + e.getMessage());
                        worst = Math.max(worst, ExitCodes.FAILED);
                    } catch (IOException e) {
                        System.err.println(trail + ": error: cannot read: " + e.getMessage());
                        worst = Math.max(worst, ExitCodes.INVALID);
                    }
                }
            }
            return worst;
        }
    }
}
