package dev.opsbook.engine;

import dev.opsbook.graph.LoadedRunbook;
import dev.opsbook.graph.RunbookLoader;
import dev.opsbook.steps.StandardSteps;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/** Loads and runs fixture runbooks from {@code src/test/resources/runbooks/}. */
public final class Fixtures {

    private Fixtures() {
    }

    public static LoadedRunbook load(String name) throws IOException {
        try (InputStream in = Fixtures.class.getResourceAsStream("/runbooks/" + name)) {
            if (in == null) {
                throw new IOException("no fixture runbooks/" + name);
            }
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return new RunbookLoader(StandardSteps.all().catalog()).load("runbooks/" + name, text);
        }
    }

    public static RunResult run(String name, Map<String, String> params, Interaction interaction, Path workDir,
                                RunControl control, RunListener listener) throws Exception {
        LoadedRunbook loaded = load(name);
        RunRequest request = new RunRequest(loaded, params, "tester", "test", interaction, Optional.empty(), workDir);
        return new Engine(StandardSteps.all()).run(request, listener, control);
    }

    public static Interaction answering(FixtureRun.Answers answers) {
        return switch (answers) {
            case YES -> prompt -> new Interaction.Answer(true, "alice", "looks good", Instant.now(), "test");
            case NO -> prompt -> new Interaction.Answer(false, "bob", "not today", Instant.now(), "test");
            case NOBODY -> Interaction.NOBODY;
        };
    }
}
