package dev.opsbook.store;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opsbook.engine.RunEvent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What a run's event says in words, for the search index: the runbook and its title, the parameters,
 * what the steps said (inputs, results, outputs, messages, calls) and who acted (started, answered,
 * resolved, resumed, restarted), with their comments. Pure. It reads only the event as stored, which
 * the engine has already masked ({@code dev.opsbook.engine.Redactor}), and leaves out the environment
 * and the triggering event's raw payload, which are not the run's own words.
 */
final class RunText {

    /** An event's text is cut to its first and last part: an error is usually at the end of a long output. */
    static final int PER_EVENT = 8_000;
    /** Words longer than this are cut: nobody types them, and they bound the H2 word table's key. */
    static final int LONGEST_WORD = 64;

    private RunText() {
    }

    /** The event's words as one text (empty when it says nothing worth finding). */
    static String of(RunEvent event) {
        List<String> parts = new ArrayList<>();
        if (event instanceof RunEvent.RunStarted s) {
            parts.addAll(Arrays.asList(s.runId(), s.runbookId(), s.title(), s.startedBy(), s.trigger()));
            s.drill().ifPresent(parts::add);
            fields(s.params(), parts);
        } else if (event instanceof RunEvent.StepStarted s) {
            parts.add(s.key());
            values(s.input(), parts);
        } else if (event instanceof RunEvent.AttemptFinished a) {
            parts.add(a.attempt().message());
            values(a.attempt().result(), parts);
        } else if (event instanceof RunEvent.CallMade c) {
            values(c.call(), parts);
        } else if (event instanceof RunEvent.StepAnswered a && a.answer() != null) {
            parts.addAll(Arrays.asList(a.answer().by(), a.answer().comment()));
        } else if (event instanceof RunEvent.StepFinished f) {
            parts.add(f.message());
            values(f.outputs(), parts);
        } else if (event instanceof RunEvent.StepSkipped s) {
            parts.add(s.reason());
        } else if (event instanceof RunEvent.StepInterrupted i) {
            parts.add(i.detail());
        } else if (event instanceof RunEvent.StepResolved r) {
            parts.addAll(Arrays.asList(r.by(), r.comment()));
        } else if (event instanceof RunEvent.RunResumed r) {
            parts.add(r.by());
        } else if (event instanceof RunEvent.RunRestarted r) {
            parts.addAll(Arrays.asList(r.by(), r.fromStep()));
        } else if (event instanceof RunEvent.RollbackRequested r) {
            parts.addAll(Arrays.asList(r.by(), r.reason()));
        } else if (event instanceof RunEvent.CancelRequested c) {
            parts.add(c.reason());
        } else if (event instanceof RunEvent.RunFinished f) {
            parts.add(f.message());
        } // retries, time-outs and take-overs (by instances, not people) add no words
        return cut(String.join(" ", parts.stream().filter(p -> p != null && !p.isBlank()).toList()));
    }

    /** The words of a text as the H2 index keeps them and a query looks them up: lowercase letters and digits, each once. */
    static Set<String> words(String text) {
        Set<String> words = new LinkedHashSet<>();
        for (String word : text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")) {
            if (!word.isEmpty()) {
                words.add(word.length() > LONGEST_WORD ? word.substring(0, LONGEST_WORD) : word);
            }
        }
        return words;
    }

    private static String cut(String text) {
        return text.length() <= PER_EVENT ? text : text.substring(0, PER_EVENT / 2) + " " + text.substring(text.length() - PER_EVENT / 2);
    }

    /** Parameters: their names and values (a name is what people remember: "region"). */
    private static void fields(JsonNode node, List<String> parts) {
        if (node == null) {
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            parts.add(field.getKey());
            values(field.getValue(), parts);
        }
    }

    private static void values(JsonNode node, List<String> parts) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return;
        }
        if (node.isContainerNode()) {
            node.forEach(child -> values(child, parts));
        } else {
            parts.add(node.asText());
        }
    }
}
