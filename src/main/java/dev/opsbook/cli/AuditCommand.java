package dev.opsbook.cli;

import dev.opsbook.audit.AuditSummary;
import dev.opsbook.audit.AuditVerifier;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.yaml.snakeyaml.Yaml;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "audit", mixinStandardHelpOptions = true, description = "Works with run audit trails.",
        subcommands = AuditCommand.Verify.class)
public class AuditCommand {

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = "Checks audit trails (*.audit.jsonl): the hash chain, and, when the run's record sits beside the trail, "
                    + "the entry count and final hash the record sealed.",
            footer = {"", "Exit status: 0 every trail verifies, 1 a trail was changed, cut or reordered, 2 a file cannot be read."})
    static class Verify implements Callable<Integer> {

        @Parameters(arity = "1..*", paramLabel = "TRAIL", description = "Audit trail files.")
        List<Path> trails;

        @Override
        public Integer call() {
            Terminal out = Terminal.stdout();
            int worst = ExitCodes.OK;
            for (Path trail : trails) {
                try {
                    AuditVerifier.Verification verification = AuditVerifier.verify(trail, dev.opsbook.audit.AuditSummary.sealedBeside(trail));
                    if (verification.valid()) {
                        out.println(out.green("✅ " + trail + ": " + verification.entries() + " entries, chain intact, final hash "
                                + verification.finalHash()));
                    } else {
                        verification.problems().forEach(p -> out.println(out.red("❌ " + p)));
                        worst = Math.max(worst, ExitCodes.FAILED);
                    }
                } catch (IOException e) {
                    System.err.println(trail + ": error: cannot read: " + e.getMessage());
                    worst = ExitCodes.INVALID;
                }
            }
            return worst;
        }
    }
}
