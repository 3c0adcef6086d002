package dev.opsbook.library;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsbook.graph.LoadedRunbook;
import dev.opsbook.graph.RunbookLoader;
import dev.opsbook.service.EventMatcher;
import dev.opsbook.service.RunbookFolders;
import dev.opsbook.service.TriggerMatcher;
import dev.opsbook.steps.StandardSteps;
import dev.opsbook.trigger.TriggerPatternCheck;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A team that serves the shipped folders ({@code runbooks/}, read recursively with the library in it, and
 * {@code playbooks/}) gets one run per alarm: every event sample under {@code events/} starts at most one runbook,
 * matched as serve matches it (its folder scan, its {@link TriggerMatcher}). A new runbook whose trigger overlaps
 * another's fails here, naming both.
 */
class OneRunbookPerEventTest {

    private static final List<Path> SERVED = List.of(Path.of("runbooks"), Path.of("playbooks"));

    static List<String> samples() throws IOException {
        try (Stream<Path> files = Files.list(LibraryHarness.EVENTS)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json")).sorted().toList();
        }
    }

    /** The runbooks serve would serve from the shipped folders, and what it said while reading them. */
    private static TriggerMatcher served(StringBuilder said) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RunbookLoader loader = new RunbookLoader(StandardSteps.all().catalog(), List.of(new TriggerPatternCheck()));
        RunbookFolders folders = new RunbookFolders(SERVED, loader, new PrintStream(out, true, StandardCharsets.UTF_8));
        TriggerMatcher matcher = new TriggerMatcher();
        folders.scan(matcher::use);
        said.append(out.toString(StandardCharsets.UTF_8));
        return matcher;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void an_event_sample_starts_at_most_one_shipped_runbook(String sample) {
        StringBuilder said = new StringBuilder();
        TriggerMatcher matcher = served(said);
        EventMatcher.Event event = matcher.parse(LibraryHarness.event(sample)).event().orElseThrow();

        List<String> started = matcher.match(event).stream().filter(m -> m.params().isPresent())
                .map(m -> m.runbook().runbook().id() + " (" + m.runbook().runbook().file() + ", trigger " + (m.trigger() + 1) + ")")
                .toList();

        assertThat(said.toString()).as("serve's report while reading the shipped folders").isEmpty();
        assertThat(started).as("runbooks that %s starts when runbooks/ and playbooks/ are served: narrow or drop a trigger", sample)
                .hasSizeLessThanOrEqualTo(1);
    }

    @Test
    void every_shipped_runbook_with_a_trigger_is_started_by_a_sample_of_its_own() {
        TriggerMatcher matcher = served(new StringBuilder());
        // //why: an overlap test over samples proves nothing for a trigger no sample reaches
        List<String> startedBySomeSample = samplesOrEmpty().stream()
                .flatMap(s -> matcher.match(matcher.parse(LibraryHarness.event(s)).event().orElseThrow()).stream())
                .filter(m -> m.params().isPresent()).map(m -> m.runbook().runbook().id()).distinct().toList();
        List<String> withTriggers = triggered();

        assertThat(startedBySomeSample).containsExactlyInAnyOrderElementsOf(withTriggers);
    }

    private static List<String> triggered() {
        RunbookLoader loader = new RunbookLoader(StandardSteps.all().catalog());
        RunbookFolders folders = new RunbookFolders(SERVED, loader, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        folders.scan(r -> { });
        return folders.current().stream().map(LoadedRunbook::runbook).filter(r -> !r.triggers().isEmpty()).map(r -> r.id()).toList();
    }

    private static List<String> samplesOrEmpty() {
        try {
            return samples();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
