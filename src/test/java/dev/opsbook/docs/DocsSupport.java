package dev.opsbook.docs;

import dev.opsbook.engine.Interaction;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/** What the documentation tests share: where the docs are, and a person who says yes. */
final class DocsSupport {

    /** Every manual step and approval is confirmed by "tester". */
    static final Interaction YES = prompt -> new Interaction.Answer(true, "tester", "", Instant.now(), "test");

    private DocsSupport() {
    }

    /** The project root: where pom.xml is, whatever directory the tests run from. */
    static Path projectRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("pom.xml"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("no pom.xml above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }

    /** Says yes to everything and remembers what it was asked, so a test can check the prompts people saw. */
    static final class RecordingYes implements Interaction {
        final List<Prompt> prompts = new CopyOnWriteArrayList<>();

        @Override
        public Answer ask(Prompt prompt) {
            prompts.add(prompt);
            return new Answer(true, "tester", "checked by the test", Instant.now(), "test");
        }

        Set<Interaction.Ask> kinds() {
            return Set.copyOf(prompts.stream().map(Prompt::kind).toList());
        }
    }
}
