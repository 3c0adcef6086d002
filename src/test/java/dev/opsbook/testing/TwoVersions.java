package dev.opsbook.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsbook.cli.RunCommand;
import dev.opsbook.store.RunQuery;
import dev.opsbook.store.RunStore;
import dev.opsbook.store.StoredRun;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Two real runs of one runbook file, kept in a store by {@code opsbook run}: A ran {@code compare/restart-v1.md} with
 * {@code service=web}, {@code failAt=h2} (an item of {@code restart} fails, the copy is rolled back, {@code old-step} is not
 * reached); then the file was edited to {@code restart-v2.md} ({@code check} says more, {@code old-step} became {@code tell})
 * and B ran it with {@code service=api}, all succeeding. Both with a secret token, approvals confirmed by {@code --yes}.
 */
public record TwoVersions(String runA, String runB, Path file) {

    public static final String TOKEN_A = "s3cr3t-token-of-A";
    public static final String TOKEN_B = "s3cr3t-token-of-B";

    public static TwoVersions run(Path dir, String storeUrl, RunStore store) throws IOException {
        Path file = dir.resolve("restart.md");
        copy("/runbooks/compare/restart-v1.md", file);
        InProcessCli.Result a = InProcessCli.run(new RunCommand(), file.toString(), "--store", storeUrl, "--yes",
                "--record-dir", dir.resolve("records").toString(), "-p", "failAt=h2", "-p", "token=" + TOKEN_A);
        assertThat(a.exitCode()).as(a.stdout() + a.stderr()).isEqualTo(1);
        String runA = latest(store);
        copy("/runbooks/compare/restart-v2.md", file);
        InProcessCli.Result b = InProcessCli.run(new RunCommand(), file.toString(), "--store", storeUrl, "--yes",
                "--record-dir", dir.resolve("records").toString(), "-p", "service=api", "-p", "token=" + TOKEN_B);
        assertThat(b.exitCode()).as(b.stdout() + b.stderr()).isZero();
        String runB = latest(store);
        assertThat(runB).isNotEqualTo(runA);
        return new TwoVersions(runA, runB, file);
    }

    private static String latest(RunStore store) {
        return store.runs(new RunQuery(java.util.Optional.of("restart"), java.util.Optional.empty(), java.util.Optional.empty(), 1)).stream().findFirst().map(StoredRun::id).orElseThrow();
    }

    private static void copy(String resource, Path to) throws IOException {
        try (InputStream in = TwoVersions.class.getResourceAsStream(resource)) {
            Files.write(to, in.readAllBytes());
        }
    }
}
