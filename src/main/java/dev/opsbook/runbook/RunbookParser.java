package dev.opsbook.runbook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.vladsch.flexmark.ast.FencedCodeBlock;
import com.vladsch.flexmark.ast.Heading;
import com.vladsch.flexmark.ast.Paragraph;
import com.vladsch.flexmark.ext.gfm.tasklist.TaskListItem;
import com.vladsch.flexmark.parser.Parser;
import com.vladsch.flexmark.util.ast.Document;
import com.vladsch.flexmark.util.ast.Node;
import com.vladsch.flexmark.util.ast.TextCollectingVisitor;
import com.vladsch.flexmark.util.sequence.BasedSequence;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a Markdown runbook into the model. It never stops at the first problem: everything it
 * can read is kept and every problem is reported with its line and column. It knows nothing of
 * execution; the step kinds it accepts come from the catalogue it is given.
 */
public final class RunbookParser {

    /** The name of a runbook read from standard input ({@code opsbook validate -}), in diagnostics and records. */
    public static final String STDIN = "<stdin>";

    /** Attributes any step block accepts in its info string. */
    public static final Set<String> ATTRIBUTES = Set.of(
            "id", "title", "needs", "if", "retries", "backoff", "timeout", "on-failure", "rollback", "outputs", "idempotent",
            "foreach", "concurrency", "max-errors");

    static final Set<String> FRONT_MATTER_KEYS = Set.of(
            "id", "title", "kind", "owner", "description", "parameters", "env", "timeout", "approval", "outputs");
    /** Keys for automation: read and checked here (see {@link TriggerSettings}), used by the service. */
    static final Set<String> FRONT_MATTER_SERVICE_KEYS = Set.of(
            "triggers", "concurrency", "limits", "escalation", "tags");
    static final Set<String> PARAMETER_KEYS = Set.of(
            "type", "default", "required", "pattern", "enum", "description");

    private static final Pattern ID = Pattern.compile("[A-Za-z][A-Za-z0-9_-]*");
    private static final Pattern BROKEN_FENCE = Pattern.compile("[ \\t]*(`{3,})[ \\t]*([A-Za-z][A-Za-z0-9_-]*)(?=[ \\t])");
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    //why: String.matches and replaceAll compile their pattern on every call, once per step and parameter of every load
    private static final Pattern PARAMETER_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern SETTINGS_START = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]*\\s*:(\\s.*)?");
    private static final Pattern RETRIES = Pattern.compile("\\d{1,3}");
    private static final Pattern NOT_SLUG = Pattern.compile("[^a-z0-9]+");
    private static final Pattern SLUG_EDGES = Pattern.compile("^-+|-+$");
    private static final Pattern LAST_SLUG_WORD = Pattern.compile("-[^-]*$");

    private final StepKindCatalog catalog;
    private final Parser markdown;
    private final boolean snakeYamlOnly;

    public RunbookParser(StepKindCatalog catalog) {
        this(catalog, false);
    }

    /** @param snakeYamlOnly read all YAML with SnakeYAML, never {@link LightYaml}: the reading the light one is held to */
    RunbookParser(StepKindCatalog catalog, boolean snakeYamlOnly) {
        this.catalog = catalog;
        this.markdown = MarkdownBlocks.parser();
        this.snakeYamlOnly = snakeYamlOnly;
    }

    private YamlTree yaml(String text, Position origin, int indent) {
        return snakeYamlOnly ? YamlTree.readWithSnakeYaml(text, origin, indent) : YamlTree.read(text, origin, indent);
    }

    public ParsedRunbook parse(Path path) throws IOException {
        byte[] bytes = Files.readAllBytes(path);
        return parse(path.toString(), new String(bytes, StandardCharsets.UTF_8));
    }

    public ParsedRunbook parse(String file, String text) {
        return new Reading(file, text).read();
    }

    /** The state of reading one document. */
    private final class Reading {
        private final String file;
        private final String text;
        private final LineIndex lines;
        private final List<Diagnostic> diagnostics = new ArrayList<>();
        private Map<String, Position> positions = new HashMap<>();
        private final Map<Step, ExpressionSites.Scan> scans = new java.util.IdentityHashMap<>();
        private RunbookKind runbookKind = RunbookKind.RUNBOOK;
        /** Ids written in the document or generated so far: a generated id never takes one of them. */
        private final Set<String> takenIds = new HashSet<>();

        Reading(String file, String text) {
            this.file = file;
            this.text = text;
            this.lines = new LineIndex(text);
        }

        ParsedRunbook read() {
            FrontMatter frontMatter = frontMatter();
            JsonNode meta = frontMatter.tree() == null ? JSON.objectNode() : frontMatter.tree();
            if (!meta.isObject()) {
                error(new Position(2, 1), "front matter must be a YAML mapping of keys such as title, kind, parameters");
                meta = JSON.objectNode();
            }
            checkFrontMatterKeys(meta);
            // flexmark reads an unclosed front matter to the end of the file, which would hide every step
            Document document = markdown.parse(frontMatter.unclosed() ? "   " + text.substring(3) : text);
            String id = text(meta, "id").orElseGet(() -> idFromFile(file));
            if (!ID.matcher(id).matches()) {
                error(position("/id"), "runbook id '" + id + "' must start with a letter and hold only letters, digits, '-' and '_'");
            }
            String title = text(meta, "title").orElseGet(() -> firstHeading(document).orElse(id));
            RunbookKind kind = kind(meta);
            runbookKind = kind;
            List<Parameter> parameters = parameters(meta.get("parameters"));
            List<String> env = envAllowList(meta.get("env"));
            Optional<Duration> timeout = text(meta, "timeout").flatMap(t -> duration(t, position("/timeout"), "timeout"));
            TriggerSettings.Read automation = TriggerSettings.read(meta, parameters, this::position, new TriggerSettings.Sink() {
                @Override
                public void error(Position at, String message) {
                    Reading.this.error(at, message);
                }

                @Override
                public void warning(Position at, String message) {
                    Reading.this.warning(at, message);
                }
            });
            List<Step> steps = steps(document, bodyStart(frontMatter));
            Runbook runbook = new Runbook(id, file, text, bodyStart(frontMatter), sha256(text), title, kind,
                    text(meta, "owner").orElse(""), text(meta, "description").orElse(""), parameters, env,
                    timeout, steps, positions, automation.triggers(), automation.concurrency(), automation.limits(),
                    automation.escalation(), approval(meta.get("approval")), RunbookOutputs.read(meta.get("outputs"), this::position, this::error,
                    this::warning));
            diagnostics.sort(Diagnostic.IN_FILE_ORDER);
            return new ParsedRunbook(runbook, diagnostics, scans);
        }

        // ---- front matter -------------------------------------------------------------------

        private record FrontMatter(JsonNode tree, int endOffset, boolean unclosed) {
        }

        private FrontMatter frontMatter() {
            if (!(text.startsWith("---\n") || text.startsWith("---\r\n"))) {
                return new FrontMatter(null, 0, false);
            }
            int lineStart = text.indexOf('\n') + 1;
            while (lineStart < text.length()) {
                int lineEnd = lines.lineEnd(text, lineStart);
                String line = text.substring(lineStart, lineEnd).strip();
                if (line.equals("---") || line.equals("...")) {
                    String yaml = text.substring(text.indexOf('\n') + 1, lineStart);
                    YamlTree tree = yaml(yaml, new Position(2, 1), 0);
                    tree.problems().forEach(p -> error(p.position(), p.message() + " in front matter"));
                    positions = tree.positions(); // //why: the first positions read, and the tree is this reading's alone: its map, not a copy
                    return new FrontMatter(tree.value(), lineEnd, false);
                }
                lineStart = lineEnd;
            }
            error(Position.START, "front matter opened by '---' on line 1 is never closed; add a line '---' after it");
            return new FrontMatter(null, 0, true);
        }

        private int bodyStart(FrontMatter frontMatter) {
            return frontMatter.endOffset();
        }

        private void checkFrontMatterKeys(JsonNode meta) {
            meta.fieldNames().forEachRemaining(key -> {
                if (!FRONT_MATTER_KEYS.contains(key) && !FRONT_MATTER_SERVICE_KEYS.contains(key)) {
                    Set<String> known = new LinkedHashSet<>(FRONT_MATTER_KEYS);
                    known.addAll(FRONT_MATTER_SERVICE_KEYS);
                    warning(position("/" + key + "#key"), "unknown front-matter key '" + key + "' is ignored"
                            + Suggestions.didYouMean(key, known));
                }
            });
            for (String key : List.of("id", "title", "owner", "description", "timeout", "kind")) {
                JsonNode value = meta.get(key);
                if (value != null && !value.isNull() && !value.isValueNode()) {
                    error(position("/" + key), "'" + key + "' must be a single value, not a " + (value.isArray() ? "list" : "mapping"));
                }
            }
        }

        private ApprovalPolicy approval(JsonNode node) {
            if (node == null || node.isNull()) {
                return ApprovalPolicy.ANYONE;
            }
            if (!node.isObject()) {
                error(position("/approval"), "approval must be a mapping such as { separateApprover: true }");
                return ApprovalPolicy.ANYONE;
            }
            node.fieldNames().forEachRemaining(key -> {
                if (!key.equals("separateApprover")) {
                    error(position("/approval/" + key + "#key"), "unknown key '" + key + "' in approval"
                            + Suggestions.didYouMean(key, Set.of("separateApprover")) + "; approval takes separateApprover");
                }
            });
            JsonNode separate = node.get("separateApprover");
            if (separate == null || separate.isNull()) {
                return ApprovalPolicy.ANYONE;
            }
            if (!separate.isBoolean()) {
                error(position("/approval/separateApprover"), "separateApprover must be true or false, not '" + separate.asText() + "'");
                return ApprovalPolicy.ANYONE;
            }
            return new ApprovalPolicy(separate.booleanValue());
        }

        private RunbookKind kind(JsonNode meta) {
            Optional<String> kind = text(meta, "kind");
            if (kind.isEmpty()) {
                return RunbookKind.RUNBOOK;
            }
            return switch (kind.get()) {
                case "runbook" -> RunbookKind.RUNBOOK;
                case "playbook" -> RunbookKind.PLAYBOOK;
                default -> {
                    error(position("/kind"), "kind must be 'runbook' or 'playbook', not '" + kind.get() + "'");
                    yield RunbookKind.RUNBOOK;
                }
            };
        }

        private List<Parameter> parameters(JsonNode node) {
            List<Parameter> parameters = new ArrayList<>();
            if (node == null || node.isNull()) {
                return parameters;
            }
            if (!node.isObject()) {
                error(position("/parameters"), "parameters must be a mapping of name to declaration, e.g. region: { type: string }");
                return parameters;
            }
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                parameter(field.getKey(), field.getValue()).ifPresent(parameters::add);
            }
            return parameters;
        }

        private Optional<Parameter> parameter(String name, JsonNode declaration) {
            String pointer = "/parameters/" + name;
            Position at = position(pointer + "#key");
            if (!PARAMETER_NAME.matcher(name).matches()) {
                error(at, "parameter name '" + name + "' must be an identifier (letters, digits, '_'), so templates can write params." + name.replaceAll("[^A-Za-z0-9_]", "_"));
            }
            if (declaration.isTextual()) {
                declaration = JSON.objectNode().put("type", declaration.textValue());
                positions.put(pointer + "/type", position(pointer));
            }
            if (declaration.isNull()) {
                declaration = JSON.objectNode();
            }
            if (!declaration.isObject()) {
                error(position(pointer), "parameter '" + name + "' must be declared as a mapping, e.g. { type: string, default: x }");
                return Optional.empty();
            }
            declaration.fieldNames().forEachRemaining(key -> {
                if (!PARAMETER_KEYS.contains(key)) {
                    error(position(pointer + "/" + key + "#key"), "unknown key '" + key + "' in parameter '" + name + "'"
                            + Suggestions.didYouMean(key, PARAMETER_KEYS) + "; a parameter takes " + String.join(", ", sorted(PARAMETER_KEYS)));
                }
            });
            String typeName = text(declaration, "type").orElse("string");
            ParameterType type = ParameterType.fromLabel(typeName).orElseGet(() -> {
                List<String> labels = java.util.Arrays.stream(ParameterType.values()).map(ParameterType::label).toList();
                error(position(pointer + "/type"), "unknown parameter type '" + typeName + "'" + Suggestions.didYouMean(typeName, labels)
                        + "; use one of " + String.join(", ", labels));
                return ParameterType.STRING;
            });
            Optional<String> pattern = text(declaration, "pattern");
            pattern.ifPresent(p -> {
                try {
                    Pattern.compile(p);
                } catch (java.util.regex.PatternSyntaxException e) {
                    error(position(pointer + "/pattern"), "pattern of parameter '" + name + "' is not a valid regular expression: " + e.getDescription());
                }
            });
            List<JsonNode> allowed = new ArrayList<>();
            JsonNode enumNode = declaration.get("enum");
            if (enumNode != null) {
                if (enumNode.isArray()) {
                    enumNode.forEach(allowed::add);
                } else {
                    error(position(pointer + "/enum"), "enum of parameter '" + name + "' must be a list of allowed values");
                }
            }
            JsonNode defaultNode = declaration.get("default");
            boolean required = declaration.has("required")
                    ? declaration.get("required").asBoolean(false)
                    : defaultNode == null;
            if (declaration.has("required") && !declaration.get("required").isBoolean()) {
                error(position(pointer + "/required"), "required must be true or false");
            }
            Parameter parameter = new Parameter(name, type, Optional.empty(), required, pattern, allowed,
                    text(declaration, "description").orElse(""), at);
            for (int i = 0; i < allowed.size(); i++) {
                ParameterValues.problem(ParameterValues.check(new Parameter(name, type, Optional.empty(), required,
                        Optional.empty(), List.of(), "", at), allowed.get(i))).ifPresent(problem ->
                        error(position(pointer + "/enum"), "enum of parameter '" + name + "': " + problem));
            }
            Optional<JsonNode> defaultValue = Optional.empty();
            if (defaultNode != null && !defaultNode.isNull()) {
                ParameterValues.Outcome outcome = ParameterValues.check(parameter, defaultNode);
                if (outcome instanceof ParameterValues.Valid valid) {
                    defaultValue = Optional.of(valid.value());
                } else if (outcome instanceof ParameterValues.Invalid invalid) {
                    error(position(pointer + "/default"), "default of parameter '" + name + "' is invalid: " + invalid.reason());
                }
                if (type == ParameterType.SECRET) {
                    warning(position(pointer + "/default"), "secret parameter '" + name + "' has a default written in the runbook; pass secrets at run time instead");
                }
            }
            return Optional.of(new Parameter(name, type, defaultValue, required, pattern, allowed,
                    text(declaration, "description").orElse(""), at));
        }

        private List<String> envAllowList(JsonNode node) {
            List<String> names = new ArrayList<>();
            if (node == null || node.isNull()) {
                return names;
            }
            if (!node.isArray()) {
                error(position("/env"), "env must be a list of environment variable names templates may read, e.g. [USER, HOME]");
                return names;
            }
            node.forEach(n -> names.add(n.asText()));
            return names;
        }

        // ---- steps --------------------------------------------------------------------------

        private List<Step> steps(Document document, int bodyOffset) {
            List<Step> steps = new ArrayList<>();
            Map<String, Integer> generated = new HashMap<>();
            // one walk: the blocks that may be steps, each fence's info string read once; ids written with id= taken first
            List<Node> blocks = new ArrayList<>();
            Map<Node, InfoString> infos = new java.util.IdentityHashMap<>();
            walk(document, node -> {
                if (node.getStartOffset() < bodyOffset) {
                    return;
                }
                if (node instanceof FencedCodeBlock block) {
                    InfoString info = InfoString.read(block.getInfo().toString());
                    infos.put(block, info);
                    explicitId(info);
                    blocks.add(node);
                } else if ((node instanceof TaskListItem item && !item.isItemDoneMarker()) || node instanceof Paragraph) {
                    blocks.add(node);
                }
            });
            for (Node node : blocks) {
                if (node instanceof FencedCodeBlock block) {
                    fencedStep(block, infos.get(block), generated).ifPresent(steps::add);
                } else if (node instanceof TaskListItem item) {
                    steps.add(taskStep(item, generated));
                } else {
                    notAFence((Paragraph) node);
                }
            }
            Map<String, Step> byId = new HashMap<>();
            for (Step step : steps) {
                Step first = byId.putIfAbsent(step.id(), step);
                if (first != null && !step.generatedId()) {
                    error(step.positionOf("attr:id"), "duplicate step id '" + step.id() + "' (first used at "
                            + first.position() + "); step ids must be unique in a runbook");
                }
            }
            return steps;
        }

        /**
         * A line such as {@code ```shell id=x if="n > `0`"} is no fence in Markdown (the info string of a backtick fence
         * may not hold a backtick), so it and the lines after it are read as text and the step silently disappears.
         */
        private void notAFence(Paragraph paragraph) {
            for (BasedSequence line : paragraph.getContentLines()) {
                if (!startsWithBacktick(line)) {
                    continue; // //why: the pattern would fail at once; most prose lines never start with a backtick
                }
                java.util.regex.Matcher fence = BROKEN_FENCE.matcher(line);
                if (fence.lookingAt() && catalog.find(fence.group(2)).isPresent() && line.toString().indexOf('`', fence.end(1)) >= 0) {
                    error(lines.position(line.getStartOffset() + fence.start(1)), "this " + fence.group(2)
                            + " block is not a step: a ``` fence cannot have a backtick (`) after its kind, so Markdown reads it as text;"
                            + " fence the step with ~~~ instead, or write the attribute without backticks");
                }
            }
        }

        private static boolean startsWithBacktick(BasedSequence line) {
            int i = 0;
            while (i < line.length() && (line.charAt(i) == ' ' || line.charAt(i) == '\t')) {
                i++;
            }
            return i < line.length() && line.charAt(i) == '`';
        }

        /** Ids written with {@code id=}, anywhere in the document: a generated id never takes one of them. */
        private void explicitId(InfoString info) {
            if (catalog.find(info.word()).isPresent()) {
                for (InfoString.Attribute a : info.attributes()) {
                    if (a.key().equals("id") && a.hasValue()) {
                        takenIds.add(a.value());
                    }
                }
            }
        }

        private void walk(Node node, java.util.function.Consumer<Node> visitor) {
            for (Node child = node.getFirstChild(); child != null; child = child.getNext()) {
                visitor.accept(child);
                walk(child, visitor);
            }
        }

        private Optional<Step> fencedStep(FencedCodeBlock block, InfoString parsed, Map<String, Integer> generated) {
            BasedSequence infoChars = block.getInfo();
            int infoOffset = infoChars.isNull() ? block.getStartOffset() : infoChars.getStartOffset();
            Optional<StepKindSpec> spec = catalog.find(parsed.word());
            if (spec.isEmpty()) {
                boolean looksLikeStep = !parsed.word().isEmpty() && parsed.attributes().stream()
                        .anyMatch(a -> a.hasValue() && ATTRIBUTES.contains(a.key()));
                if (looksLikeStep) {
                    error(lines.position(infoOffset + parsed.wordOffset()), "unknown step kind '" + parsed.word() + "'"
                            + Suggestions.didYouMean(parsed.word(), catalog.names())
                            + "; step kinds are " + String.join(", ", catalog.names()));
                }
                return Optional.empty(); // prose: kept as written, never executed
            }
            StepKindSpec kind = spec.get();
            Map<String, Position> stepPositions = new HashMap<>();
            Map<String, String> attributes = new LinkedHashMap<>();
            for (InfoString.Problem problem : parsed.problems()) {
                error(lines.position(infoOffset + problem.offset()), problem.message());
            }
            for (InfoString.Attribute attribute : parsed.attributes()) {
                Position at = lines.position(infoOffset + attribute.offset());
                if (!ATTRIBUTES.contains(attribute.key())) {
                    error(at, "unknown attribute '" + attribute.key() + "' on " + kind.name() + " step"
                            + Suggestions.didYouMean(attribute.key(), ATTRIBUTES)
                            + "; attributes are " + String.join(", ", sorted(ATTRIBUTES)));
                    continue;
                }
                if (!attribute.hasValue()) {
                    error(at, "attribute '" + attribute.key() + "' needs a value: " + attribute.key() + "=...");
                    continue;
                }
                if (attributes.containsKey(attribute.key())) {
                    error(at, "attribute '" + attribute.key() + "' is given twice");
                    continue;
                }
                attributes.put(attribute.key(), attribute.value());
                stepPositions.put("attr:" + attribute.key(), at);
            }
            Position start = lines.position(block.getStartOffset());
            if (!kind.available()) {
                error(lines.position(infoOffset + parsed.wordOffset()), "step kind '" + kind.name()
                        + "' is part of the format but not available in this version of opsbook");
            }
            String body = contentOf(block);
            Position bodyOrigin = block.getContentLines().isEmpty()
                    ? new Position(start.line() + 1, start.column())
                    : lines.position(block.getContentLines().get(0).getStartOffset());
            int problemsBefore = diagnostics.size();
            JsonNode settings = settings(kind, body, bodyOrigin, start.column() - 1, stepPositions);
            boolean settingsReadable = diagnostics.size() == problemsBefore;
            String id = attributes.getOrDefault("id", null);
            boolean generatedId = id == null;
            if (generatedId) {
                id = generateId(kind.name(), true, generated);
            }
            SourceSpan span = new SourceSpan(block.getStartOffset(), lines.lineEnd(text, Math.max(block.getStartOffset(), block.getEndOffset() - 1)),
                    start, start.column() - 1);
            Step step = step(id, generatedId, kind.name(), StepForm.FENCED_BLOCK,
                    attributes.getOrDefault("title", id), body, settings, attributes, span, stepPositions);
            if (kind.available() && settingsReadable) {
                for (StepCheck.Problem problem : kind.check().check(step, runbookKind)) {
                    // a pointer ending in #key names where a member's key was written, else its value
                    String pointer = problem.pointer();
                    Position at = pointer.isEmpty() ? step.position()
                            : stepPositions.getOrDefault(pointer, stepPositions.getOrDefault(pointer.replace("#key", ""), step.position()));
                    if (problem.warning()) {
                        warning(at, problem.message());
                    } else {
                        error(at, problem.message());
                    }
                }
            }
            return Optional.of(step);
        }

        private String contentOf(FencedCodeBlock block) {
            List<BasedSequence> contentLines = block.getContentLines();
            String body;
            if (contiguous(contentLines)) { // //why: a fence at the margin: its lines are one stretch of the text, no copy line by line
                body = text.substring(contentLines.get(0).getStartOffset(), contentLines.get(contentLines.size() - 1).getEndOffset());
            } else {
                StringBuilder joined = new StringBuilder();
                for (BasedSequence line : contentLines) {
                    joined.append(line);
                }
                body = joined.toString();
            }
            return body.indexOf('\r') < 0 ? body : body.replace("\r\n", "\n"); // a script from a CRLF file must not end its lines in \r
        }

        private boolean contiguous(List<BasedSequence> contentLines) {
            if (contentLines.isEmpty() || contentLines.get(0).getBaseSequence().length() != text.length()) {
                return false;
            }
            for (int i = 0; i < contentLines.size(); i++) {
                BasedSequence line = contentLines.get(i);
                // a line with a prefix flexmark made (a tab's spaces in a list item) is not the text as it stands
                if (!(line instanceof com.vladsch.flexmark.util.sequence.SubSequence)
                        || line.length() != line.getEndOffset() - line.getStartOffset()
                        || (i > 0 && contentLines.get(i - 1).getEndOffset() != line.getStartOffset())) {
                    return false;
                }
            }
            return true;
        }

        private JsonNode settings(StepKindSpec kind, String body, Position origin, int indent, Map<String, Position> stepPositions) {
            if (kind.body() == BodyFormat.SCRIPT || !kind.available()) {
                if (kind.body() == BodyFormat.SCRIPT && body.isBlank()) {
                    error(origin, kind.name() + " step has an empty script; write the commands inside the block");
                }
                if (kind.body() == BodyFormat.SCRIPT) {
                    promptedLine(body, origin, indent);
                }
                return null;
            }
            if (kind.body() == BodyFormat.YAML_OR_TEXT && !startsLikeSettings(body)) {
                // "Check the dashboard: is it green?" is a prompt, not a mapping with a sentence for a key
                stepPositions.put("/" + kind.textKey(), origin);
                return JSON.objectNode().put(kind.textKey(), body.strip());
            }
            YamlTree tree = yaml(body, origin, indent);
            tree.problems().forEach(p -> error(p.position(), p.message() + " in " + kind.name() + " step"));
            stepPositions.putAll(tree.positions());
            JsonNode value = tree.value();
            if (!tree.problems().isEmpty()) {
                return JSON.objectNode();
            }
            if (value == null || value.isNull()) {
                value = JSON.objectNode();
            }
            if (!value.isObject()) {
                if (kind.body() == BodyFormat.YAML_OR_TEXT && value.isValueNode()) {
                    ObjectNode wrapped = JSON.objectNode();
                    wrapped.put(kind.textKey(), body.strip());
                    stepPositions.put("/" + kind.textKey(), origin);
                    value = wrapped;
                } else {
                    error(origin, kind.name() + " step body must be a YAML mapping of settings ("
                            + String.join(", ", sorted(union(kind.requiredKeys(), kind.optionalKeys()))) + ")");
                    return JSON.objectNode();
                }
            }
            Set<String> accepted = union(kind.requiredKeys(), kind.optionalKeys());
            accepted.add("outputs");
            value.fieldNames().forEachRemaining(key -> {
                if (!kind.acceptsKey(key)) {
                    error(stepPositions.getOrDefault("/" + key + "#key", origin), "unknown key '" + key + "' in "
                            + kind.name() + " step" + Suggestions.didYouMean(key, accepted)
                            + "; it takes " + String.join(", ", sorted(accepted)));
                }
            });
            for (String required : kind.requiredKeys()) {
                if (!value.has(required)) {
                    error(origin, kind.name() + " step needs '" + required + ":'");
                }
            }
            return value;
        }

        /** A terminal transcript ({@code $ kubectl get pods}) fenced as a step: bash would run '$' as a command. */
        private void promptedLine(String body, Position origin, int indent) {
            List<String> scriptLines = body.lines().toList();
            for (int i = 0; i < scriptLines.size(); i++) {
                String line = scriptLines.get(i);
                String content = line.stripLeading();
                if (content.startsWith("$ ")) {
                    warning(new Position(origin.line() + i, indent + 1 + line.length() - content.length()), "this line starts with a '$ ' prompt, as a terminal transcript does,"
                            + " but the block is a script and bash would run '$' as a command: remove the prompts to run the lines,"
                            + " or fence the block as ```bash to show it as an example (prose, never run)");
                    return;
                }
            }
        }

        /** Settings start with a one-word key and a colon, or a flow mapping; an empty body is reported as missing them. */
        private static boolean startsLikeSettings(String body) {
            return body.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).findFirst()
                    .map(first -> first.startsWith("{") || SETTINGS_START.matcher(first).matches())
                    .orElse(true);
        }

        private Step taskStep(TaskListItem item, Map<String, Integer> generated) {
            Node paragraph = item.getFirstChild();
            String itemText = paragraph instanceof Paragraph
                    ? new TextCollectingVisitor().collectAndGetText(paragraph).strip()
                    : item.getChars().toString().strip();
            String firstLine = itemText.lines().findFirst().orElse("").strip();
            String id = generateId(slug(firstLine), false, generated);
            Position start = lines.position(item.getStartOffset());
            SourceSpan span = new SourceSpan(item.getStartOffset(), lines.lineEnd(text, item.getStartOffset()), start, start.column() - 1);
            ObjectNode settings = JSON.objectNode().put("prompt", itemText);
            return step(id, true, "manual", StepForm.TASK_ITEM, firstLine, itemText, settings, Map.of(), span, Map.of());
        }

        private Step step(String id, boolean generatedId, String kind, StepForm form, String title, String body,
                          JsonNode settings, Map<String, String> attributes, SourceSpan span, Map<String, Position> stepPositions) {
            Position idAt = stepPositions.getOrDefault("attr:id", span.start());
            if (!generatedId && !ID.matcher(id).matches()) {
                error(idAt, "step id '" + id + "' must start with a letter and hold only letters, digits, '-' and '_'");
            }
            Optional<List<String>> needs = Optional.ofNullable(attributes.get("needs")).map(value ->
                    java.util.Arrays.stream(value.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList());
            Optional<String> condition = Optional.ofNullable(attributes.get("if")).map(RunbookParser::unwrapTemplate);
            int retries = 0;
            if (attributes.containsKey("retries")) {
                String value = attributes.get("retries");
                if (RETRIES.matcher(value).matches()) {
                    retries = Integer.parseInt(value);
                } else {
                    error(stepPositions.get("attr:retries"), "retries must be a whole number of extra attempts (0-999), not '" + value + "'");
                }
            }
            String idempotent = attributes.get("idempotent");
            if (idempotent != null && !idempotent.equals("true") && !idempotent.equals("false")) {
                error(stepPositions.get("attr:idempotent"), "idempotent must be true or false, not '" + idempotent
                        + "'; idempotent=true says running the step twice does no more than once, so an engine that takes the run over may retry it");
            }
            Duration backoff = Optional.ofNullable(attributes.get("backoff"))
                    .flatMap(v -> duration(v, stepPositions.get("attr:backoff"), "backoff"))
                    .orElse(Duration.ofSeconds(1));
            Optional<Duration> timeout = Optional.ofNullable(attributes.get("timeout"))
                    .flatMap(v -> duration(v, stepPositions.get("attr:timeout"), "timeout"));
            FailurePolicy onFailure = Optional.ofNullable(attributes.get("on-failure")).map(FailurePolicy::parse).orElse(FailurePolicy.ABORT);
            Optional<String> rollback = Optional.ofNullable(attributes.get("rollback"));
            Map<String, String> outputs = outputs(settings, stepPositions);
            if (attributes.containsKey("outputs")) {
                outputs = new LinkedHashMap<>(outputs);
                outputs.put("", attributes.get("outputs")); // one expression giving all outputs as an object
            }
            Step step = new Step(id, generatedId, kind, form, title, body, settings, needs, condition, retries, backoff,
                    timeout, onFailure, rollback, outputs, attributes, span, stepPositions,
                    catalog.find(kind).map(StepKindSpec::traits).orElse(java.util.Set.of()));
            ExpressionSites.Scan scan = ExpressionSites.of(step);
            scans.put(step, scan);
            scan.problems().forEach(p -> error(p.position(), p.message()));
            ForEach.problems(attributes, stepPositions, span.start()).forEach(p -> error(p.position(), p.message()));
            return step;
        }

        private Map<String, String> outputs(JsonNode settings, Map<String, Position> stepPositions) {
            Map<String, String> outputs = new LinkedHashMap<>();
            JsonNode node = settings == null ? null : settings.get("outputs");
            if (node == null || node.isNull()) {
                return outputs;
            }
            if (!node.isObject()) {
                error(stepPositions.getOrDefault("/outputs", Position.START),
                        "outputs must map names to JMESPath expressions over the step's result, e.g. { state: \"json.state\" }");
                return outputs;
            }
            node.fields().forEachRemaining(field -> {
                if (!field.getValue().isTextual()) {
                    error(stepPositions.getOrDefault("/outputs/" + field.getKey(), Position.START),
                            "output '" + field.getKey() + "' must be a JMESPath expression (a string)");
                } else {
                    outputs.put(field.getKey(), unwrapTemplate(field.getValue().textValue()));
                }
            });
            return outputs;
        }

        /**
         * Fenced blocks without an id are named after their kind and rank (shell-1, shell-2); task items after their
         * text. A name already written as an id, or already generated, is skipped, so a generated id never shadows a step.
         */
        private String generateId(String base, boolean numbered, Map<String, Integer> generated) {
            String stem = base.isEmpty() ? "step" : base;
            String id;
            do {
                int n = generated.merge(stem, 1, Integer::sum);
                id = numbered || n > 1 ? stem + "-" + n : stem;
            } while (!takenIds.add(id));
            return id;
        }

        private Optional<Duration> duration(String value, Position at, String what) {
            Optional<Duration> parsed = Durations.parse(value);
            if (parsed.isEmpty()) {
                error(at == null ? Position.START : at, what + " '" + value + "' is not a duration; write e.g. 500ms, 30s, 5m or 1h30m");
            }
            return parsed;
        }

        // ---- helpers ------------------------------------------------------------------------

        private Position position(String pointer) {
            return positions.getOrDefault(pointer, positions.getOrDefault(pointer.replace("#key", ""), Position.START));
        }

        private void error(Position at, String message) {
            diagnostics.add(Diagnostic.error(file, at, message));
        }

        private void warning(Position at, String message) {
            diagnostics.add(Diagnostic.warning(file, at, message));
        }

        private Optional<String> firstHeading(Document document) {
            for (Node node = document.getFirstChild(); node != null; node = node.getNext()) {
                if (node instanceof Heading heading && heading.getLevel() == 1) {
                    return Optional.of(heading.getText().toString().strip());
                }
            }
            return Optional.empty();
        }
    }

    /** {@code if="{{ x }}"} and {@code if="x"} mean the same. */
    static String unwrapTemplate(String expression) {
        String trimmed = expression.strip();
        if (trimmed.startsWith("{{") && trimmed.endsWith("}}") && trimmed.indexOf("{{", 2) < 0) {
            return trimmed.substring(2, trimmed.length() - 2).strip();
        }
        return trimmed;
    }

    private static Optional<String> text(JsonNode node, String key) {
        JsonNode value = node.get(key);
        return value == null || value.isNull() || !value.isValueNode() ? Optional.empty() : Optional.of(value.asText());
    }

    static String idFromFile(String file) {
        if (file.equals(STDIN)) {
            return "stdin";
        }
        String name = Path.of(file).getFileName().toString();
        if (name.toLowerCase(Locale.ROOT).endsWith(".md")) {
            name = name.substring(0, name.length() - 3);
        }
        return name;
    }

    static String slug(String text) {
        String slug = SLUG_EDGES.matcher(NOT_SLUG.matcher(text.toLowerCase(Locale.ROOT)).replaceAll("-")).replaceAll("");
        if (slug.length() > 40) {
            slug = LAST_SLUG_WORD.matcher(slug.substring(0, 40)).replaceAll("");
        }
        if (slug.isEmpty() || !Character.isLetter(slug.charAt(0))) {
            slug = "manual" + (slug.isEmpty() ? "" : "-" + slug);
        }
        return slug;
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new LinkedHashSet<>(a);
        all.addAll(b);
        return all;
    }

    private static List<String> sorted(Set<String> names) {
        return names.stream().sorted().toList();
    }

    static String sha256(String text) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }
}
