package dev.opsbook.runbook;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A shared escalation path: {@code escalation-paths/NAME.yaml} beside the runbooks, written once and named by any runbook
 * as {@code escalation: NAME}. The file holds {@code tiers:} as a runbook writes them, and may say what the path is for.
 *
 * @param name the file's name without {@code .yaml}
 * @param file the file, as diagnostics name it
 */
public record EscalationPath(String name, String file, Optional<String> description, List<EscalationTier> tiers) {

    public static final String FOLDER = "escalation-paths";
    public static final String SUFFIX = ".yaml";
    private static final Set<String> KEYS = Set.of("description", "tiers");

    public EscalationPath {
        tiers = List.copyOf(tiers);
    }

    /** The path a file holds, when it holds one without errors; and every problem, placed in that file. */
    public record Read(Optional<EscalationPath> path, List<Diagnostic> diagnostics) {
        public Read {
            diagnostics = List.copyOf(diagnostics);
        }
    }

    /** Reads the text of {@code file}, which diagnostics name; {@code name} is the path's name. */
    public static Read read(String file, String name, String text) {
        List<Diagnostic> diagnostics = new ArrayList<>();
        YamlTree tree = YamlTree.read(text, Position.START, 0);
        tree.problems().forEach(p -> diagnostics.add(Diagnostic.error(file, p.position(), p.message())));
        if (!tree.problems().isEmpty()) {
            return new Read(Optional.empty(), diagnostics);
        }
        java.util.function.Function<String, Position> position = pointer -> tree.positions().getOrDefault(pointer,
                tree.positions().getOrDefault(pointer.replace("#key", ""), Position.START));
        TriggerSettings.Sink sink = new TriggerSettings.Sink() {
            @Override
            public void error(Position at, String message) {
                diagnostics.add(Diagnostic.error(file, at, message));
            }

            @Override
            public void warning(Position at, String message) {
                diagnostics.add(Diagnostic.warning(file, at, message));
            }
        };
        JsonNode root = tree.value();
        if (root == null || !root.isObject()) {
            sink.error(Position.START, "an escalation path is a mapping with tiers: (a list of tiers, each with after: and channels)"
                    + " and, if you like, description:; e.g. tiers: [ { sns: arn:aws:sns:us-east-1:123456789012:oncall } ]");
            return new Read(Optional.empty(), diagnostics);
        }
        root.fieldNames().forEachRemaining(key -> {
            if (!KEYS.contains(key)) {
                sink.error(position.apply("/" + key + "#key"), "unknown key '" + key + "' in escalation path '" + name + "'"
                        + Suggestions.didYouMean(key, KEYS) + "; it takes description, tiers");
            }
        });
        Optional<String> description = Optional.empty();
        JsonNode about = root.get("description");
        if (about != null && !about.isNull()) {
            if (about.isTextual()) {
                description = Optional.of(about.textValue().strip());
            } else {
                sink.error(position.apply("/description"), "description of escalation path '" + name + "' must be text");
            }
        }
        JsonNode tiersNode = root.get("tiers");
        if (tiersNode == null || tiersNode.isNull()) {
            sink.error(Position.START, "escalation path '" + name + "' needs tiers:, a list of tiers each with after: and channels,"
                    + " e.g. tiers: [ { sns: arn:aws:sns:us-east-1:123456789012:oncall }, { after: 15m, email: lead@example.com } ]");
            return new Read(Optional.empty(), diagnostics);
        }
        Optional<List<EscalationTier>> tiers = new EscalationReader(position, sink).tiers(tiersNode, "/tiers", "escalation path '" + name + "'");
        boolean ok = tiers.isPresent() && diagnostics.stream().noneMatch(Diagnostic::isError);
        return new Read(ok ? Optional.of(new EscalationPath(name, file, description, tiers.get())) : Optional.empty(), diagnostics);
    }
}
