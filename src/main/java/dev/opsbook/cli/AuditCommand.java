package dev.opsbook.cli;

import dev.opsbook.audit.AuditSeals;
import dev.opsbook.audit.AuditVerifier;
import dev.opsbook.store.RunStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "audit", mixinStandardHelpOptions = true, description = "Works with run audit trails.",
        subcommands = AuditCommand.Verify.class)
public class AuditCommand {

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = "Checks audit trails (*.audit.jsonl): every line in canonical form, the hash chain, and the end of the trail "
                    + "against its seal in the store (or, when the store has none, the record beside the trail).",
            footer = {"", "Exit status: 0 every trail verifies and ends where the store sealed it, 1 a trail was changed, cut, reordered or "
                    + "is not in canonical form, 2 a file cannot be read, 3 every chain is intact but a trail has no seal in the store "
                    + "(no store, or a run made without one), so a cut tail could not be detected."})
    static class Verify implements Callable<Integer> {

        @Parameters(arity = "1..*", paramLabel = "TRAIL", description = "Audit trail files.")
        List<Path> trails;

        @Mixin
        StoreOption store;

        @Override
        public Integer call() {
            Terminal out = Terminal.stdout();
            Optional<RunStore> opened = Optional.empty();
            AuditSeals seals;
            Optional<Path> missing = Stores.missingDefault(store.url);
            if (missing.isPresent()) {
                seals = AuditSeals.unavailable("no store: " + missing.get() + " does not exist here; name one with --store");
            } else {
                try {
                    opened = Optional.of(store.open());
                    seals = opened.get().auditSeals();
                } catch (RuntimeException e) {
                    seals = AuditSeals.unavailable("no store: " + e.getMessage());
                }
            }
            try {
                return verify(out, seals);
            } finally {
                opened.ifPresent(RunStore::close);
            }
        }

        private int verify(Terminal out, AuditSeals seals) {
            int worst = ExitCodes.OK;
            boolean unsealed = false;
            for (Path trail : trails) {
                try {
                    AuditVerifier.Verification verification = AuditVerifier.verify(trail, seals);
                    if (!verification.valid()) {
                        verification.problems().forEach(p -> out.println(out.red("❌ " + p)));
                        worst = Math.max(worst, ExitCodes.FAILED);
                    } else if (verification.sealedBy() == AuditVerifier.SealedBy.STORE) {
                        out.println(out.green("✅ " + trail + ": " + verification.verdict()));
                    } else {
                        out.println(out.yellow("⚠️ " + trail + ": " + verification.verdict()));
                        unsealed = true;
                    }
                } catch (IOException e) {
                    System.err.println(trail + ": error: cannot read: " + e.getMessage());
                    worst = ExitCodes.INVALID;
                }
            }
            return worst == ExitCodes.OK && unsealed ? ExitCodes.UNSEALED : worst;
        }
    }
}
