package dev.opsbook.runbooktest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.opsbook.engine.RunStatus;
import dev.opsbook.rehearsal.AwsAnswer;
import dev.opsbook.rehearsal.Problem;
import dev.opsbook.rehearsal.StepAnswer;
import dev.opsbook.runbook.Diagnostic;
import dev.opsbook.runbook.Position;
import dev.opsbook.runbook.Suggestions;
import dev.opsbook.runbook.YamlTree;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Reads a test file ({@code NAME.test.yaml}) into its cases, every problem located at its line and column. */
public final class TestFiles {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> FILE_KEYS = Set.of("runbook", "sandbox", "cases");
    private static final Set<String> CASE_KEYS = Set.of("name", "params", "event", "aws", "steps", "sandbox", "expect");
    private static final Set<String> EXPECT_KEYS = Set.of("status", "steps", "calls", "no-calls", "outputs", "record-contains");

    /**
     * @param runbook the runbook it names ({@code runbook:}), or the empty string: {@code NAME.md} beside {@code NAME.test.yaml}
     * @param tree the YAML with its positions, for problems found once the runbook is known
     */
    public record TestFile(Path file, String runbook, List<TestCase> cases, YamlTree tree) {

        /** A problem at a pointer into this file, at its line and column. */
        public Diagnostic locate(String pointer, String message) {
            return new Problem(pointer, message).locate(file.toString(), tree);
        }
    }

    /** @param file empty when the file could not be read at all */
    public record Read(Optional<TestFile> file, List<Diagnostic> problems) {
    }

    private TestFiles() {
    }

    public static Read read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return new Read(Optional.empty(), List.of(Diagnostic.error(file.toString(), Position.START, "cannot read: " + e.getMessage())));
        }
        YamlTree tree = YamlTree.read(text, Position.START, 0);
        List<Diagnostic> diagnostics = new ArrayList<>();
        tree.problems().forEach(p -> diagnostics.add(Diagnostic.error(file.toString(), p.position(), p.message())));
        if (tree.value() == null || !tree.value().isObject()) {
            if (diagnostics.isEmpty()) {
                diagnostics.add(Diagnostic.error(file.toString(), Position.START, "a test file is a mapping with cases: (and runbook: unless it is NAME.test.yaml beside NAME.md)"));
            }
            return new Read(Optional.empty(), diagnostics);
        }
        List<Problem> problems = new ArrayList<>();
        JsonNode root = tree.value();
        unknownKeys(root, "", FILE_KEYS, "a test file", problems);
        boolean strict = sandbox(root, "", false, problems);
        String runbook = root.path("runbook").asText("");
        if (runbook.isEmpty() && !file.getFileName().toString().endsWith(".test.yaml")) {
            problems.add(new Problem("", "runbook: names the runbook under test (a path or an id); only NAME.test.yaml beside NAME.md may leave it out"));
        }
        List<TestCase> cases = new ArrayList<>();
        JsonNode list = root.path("cases");
        if (!list.isArray() || list.isEmpty()) {
            problems.add(new Problem(root.has("cases") ? "/cases" : "", "cases: is a list of cases, each with a name: and an expect:"));
        } else {
            Set<String> names = new java.util.HashSet<>();
            for (int i = 0; i < list.size(); i++) {
                readCase(file, list.get(i), "/cases/" + i, strict, problems).ifPresent(c -> {
                    if (!names.add(c.name())) {
                        problems.add(new Problem(c.pointer() + "/name", "another case is named '" + c.name() + "'; names tell cases apart in reports"));
                    }
                    cases.add(c);
                });
            }
        }
        problems.forEach(p -> diagnostics.add(p.locate(file.toString(), tree)));
        diagnostics.sort(Diagnostic.IN_FILE_ORDER);
        return new Read(diagnostics.isEmpty() ? Optional.of(new TestFile(file, runbook, cases, tree)) : Optional.empty(), diagnostics);
    }

    private static Optional<TestCase> readCase(Path file, JsonNode node, String at, boolean fileStrict, List<Problem> problems) {
        if (!node.isObject()) {
            problems.add(new Problem(at, "a case is a mapping: name:, params: or event:, aws:, steps:, expect:"));
            return Optional.empty();
        }
        unknownKeys(node, at, CASE_KEYS, "a case", problems);
        String name = node.path("name").asText("");
        if (name.isBlank()) {
            problems.add(new Problem(at, "a case needs name: (what it shows, e.g. rolls back when the service never settles)"));
        }
        Map<String, String> params = new LinkedHashMap<>();
        JsonNode given = node.path("params");
        if (!given.isMissingNode() && !given.isObject()) {
            problems.add(new Problem(at + "/params", "params: maps parameter names to values"));
        } else {
            given.fields().forEachRemaining(f -> params.put(f.getKey(), f.getValue().isTextual() ? f.getValue().textValue() : f.getValue().toString()));
        }
        Optional<JsonNode> event = event(file, node.path("event"), at + "/event", problems);
        AwsAnswer.Parsed aws = AwsAnswer.parse(node.get("aws"), at + "/aws");
        problems.addAll(aws.problems());
        Map<String, StepAnswer> steps = StepAnswer.parse(node.get("steps"), at + "/steps", problems);
        boolean strict = sandbox(node, at, fileStrict, problems);
        Expectations expect = expect(node.path("expect"), at + "/expect", problems);
        return Optional.of(new TestCase(name, params, event, aws.answers(), steps, strict, expect, at));
    }

    private static Optional<JsonNode> event(Path file, JsonNode event, String at, List<Problem> problems) {
        if (event.isMissingNode() || event.isNull()) {
            return Optional.empty();
        }
        if (event.isObject()) {
            return Optional.of(event);
        }
        if (!event.isTextual()) {
            problems.add(new Problem(at, "event: is a JSON file (relative to this file) or the event itself, as a mapping"));
            return Optional.empty();
        }
        Path path = file.toAbsolutePath().getParent().resolve(event.asText());
        try {
            return Optional.of(JSON.readTree(Files.readString(path, StandardCharsets.UTF_8)));
        } catch (IOException e) {
            problems.add(new Problem(at, "cannot read the event " + path + ": " + e.getMessage().lines().findFirst().orElse("")));
            return Optional.empty();
        }
    }

    private static Expectations expect(JsonNode expect, String at, List<Problem> problems) {
        Map<String, String> pointers = new LinkedHashMap<>();
        if (expect.isMissingNode()) {
            problems.add(new Problem(at.substring(0, at.lastIndexOf('/')), "a case needs expect: (at least the run's status:), or it cannot fail"));
            return new Expectations(Optional.empty(), Map.of(), List.of(), List.of(), List.of(), Map.of(), List.of(), pointers);
        }
        if (!expect.isObject()) {
            problems.add(new Problem(at, "expect: is a mapping: status:, steps:, calls:, no-calls:, outputs:, record-contains:"));
            return new Expectations(Optional.empty(), Map.of(), List.of(), List.of(), List.of(), Map.of(), List.of(), pointers);
        }
        unknownKeys(expect, at, EXPECT_KEYS, "expect:", problems);
        Optional<String> status = Optional.empty();
        if (expect.has("status")) {
            String text = expect.get("status").asText();
            if (RunStatus.ofLabel(text).isEmpty()) {
                problems.add(new Problem(at + "/status", "status: '" + text + "' is not a run status; one of succeeded, failed, waiting, cancelled, needs-attention"));
            } else {
                status = Optional.of(RunStatus.ofLabel(text).get().label());
            }
        }
        Map<String, String> steps = new LinkedHashMap<>();
        expect.path("steps").fields().forEachRemaining(f -> {
            String pointer = at + "/steps/" + f.getKey();
            pointers.put("steps/" + f.getKey(), pointer + "#key");
            String state = f.getValue().asText();
            if (!Expectations.STEP_STATES.contains(state)) {
                problems.add(new Problem(pointer, "'" + state + "' is not a step state" + Suggestions.didYouMean(state, Expectations.STEP_STATES)
                        + "; one of " + String.join(", ", Expectations.STEP_STATES)));
            }
            steps.put(f.getKey(), state);
        });
        List<AwsAnswer> calls = calls(expect.get("calls"), at + "/calls", problems);
        List<AwsAnswer> noCalls = calls(expect.get("no-calls"), at + "/no-calls", problems);
        List<Boolean> counted = new ArrayList<>();
        for (int i = 0; i < calls.size(); i++) {
            counted.add(expect.path("calls").path(i).has("times"));
        }
        Map<String, JsonNode> outputs = new LinkedHashMap<>();
        expect.path("outputs").fields().forEachRemaining(f -> {
            outputs.put(f.getKey(), f.getValue());
            pointers.put("outputs/" + f.getKey(), at + "/outputs/" + f.getKey() + "#key");
        });
        List<String> contains = new ArrayList<>();
        JsonNode strings = expect.path("record-contains");
        if (strings.isTextual()) {
            contains.add(strings.asText());
        } else {
            strings.forEach(s -> contains.add(s.asText()));
        }
        return new Expectations(status, steps, calls, counted, noCalls, outputs, contains, pointers);
    }

    /** {@code calls:} entries: {@code ec2:StopInstances} or {@code {call: ..., input: {...}, times: N}}. */
    private static List<AwsAnswer> calls(JsonNode calls, String at, List<Problem> problems) {
        if (calls == null) {
            return List.of();
        }
        com.fasterxml.jackson.databind.node.ArrayNode entries = JSON.createArrayNode();
        if (!calls.isArray()) {
            problems.add(new Problem(at, "a list of calls, e.g. - ec2:StopInstances or - {call: ec2:StopInstances, input: {...}}"));
            return List.of();
        }
        calls.forEach(c -> entries.add(c.isTextual() ? JSON.createObjectNode().put("call", c.asText()) : c));
        AwsAnswer.Parsed parsed = AwsAnswer.parse(entries, at);
        problems.addAll(parsed.problems()); // a call written as a string is placed at the string
        return parsed.answers();
    }

    private static boolean sandbox(JsonNode node, String at, boolean fallback, List<Problem> problems) {
        if (!node.has("sandbox")) {
            return fallback;
        }
        String value = node.get("sandbox").asText();
        if (!value.equals("strict") && !value.equals("scratch")) {
            problems.add(new Problem(at + "/sandbox", "sandbox: is strict (shell and python must be simulated too) or scratch (they run in a scratch folder, the default)"));
            return fallback;
        }
        return value.equals("strict");
    }

    private static void unknownKeys(JsonNode node, String at, Set<String> keys, String what, List<Problem> problems) {
        node.fieldNames().forEachRemaining(key -> {
            if (!keys.contains(key)) {
                problems.add(new Problem(at + "/" + key + "#key", "unknown key '" + key + "' in " + what + Suggestions.didYouMean(key, keys)
                        + "; keys: " + String.join(", ", new java.util.TreeSet<>(keys))));
            }
        });
    }
}
