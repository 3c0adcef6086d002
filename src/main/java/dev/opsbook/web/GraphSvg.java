package dev.opsbook.web;

import dev.opsbook.graph.StepGraph;
import dev.opsbook.runbook.FailurePolicy;
import dev.opsbook.runbook.Step;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A step graph drawn as SVG on the server, top to bottom: each step sits one layer below the
 * deepest step it needs, so parallel branches stand side by side; rollback and on-failure
 * handlers sit in a last row, joined to their owners by dashed lines. Each box carries the step's
 * status as a CSS class ({@code st-succeeded}...), which the stylesheet colours.
 *
 * //why: a layered layout of our own (longest path, then one barycentre pass to untangle
 * branches) instead of Mermaid's JavaScript: the page loads nothing from outside and runs no
 * script to draw, and runbooks have tens of steps, not thousands.
 */
public final class GraphSvg {

    static final int BOX_WIDTH = 168;
    static final int BOX_HEIGHT = 46;
    static final int COLUMN = 196;
    static final int ROW = 84;
    static final int MARGIN = 16;
    private static final int LABEL_CHARACTERS = 22;

    /** A box's place: its layer (row) and rank within the layer. */
    record Place(int layer, int rank) {
    }

    private GraphSvg() {
    }

    /**
     * @param statuses step id to its status label ({@code running}, {@code succeeded}...); steps
     *                 not in it are drawn as pending
     */
    public static String render(StepGraph graph, Map<String, String> statuses) {
        Map<String, Place> places = layout(graph);
        int columns = places.values().stream().mapToInt(p -> p.rank() + 1).max().orElse(1);
        int rows = places.values().stream().mapToInt(p -> p.layer() + 1).max().orElse(1);
        Map<Integer, Integer> widthOfLayer = new HashMap<>();
        places.values().forEach(p -> widthOfLayer.merge(p.layer(), 1, Integer::sum));
        int width = 2 * MARGIN + (columns - 1) * COLUMN + BOX_WIDTH;
        int height = 2 * MARGIN + (rows - 1) * ROW + BOX_HEIGHT;
        Map<String, int[]> corner = new LinkedHashMap<>();
        places.forEach((id, p) -> {
            // //why: a layer narrower than the widest is centred, so a lone step sits under the branches it joins
            int offset = (columns - widthOfLayer.get(p.layer())) * COLUMN / 2;
            corner.put(id, new int[] {MARGIN + offset + p.rank() * COLUMN, MARGIN + p.layer() * ROW});
        });

        StringBuilder svg = new StringBuilder();
        svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"step-graph\" role=\"img\" viewBox=\"0 0 ")
                .append(width).append(' ').append(height).append("\" width=\"").append(width).append("\" height=\"").append(height)
                .append("\"><title>Step graph of ").append(Html.escape(graph.runbook().id())).append("</title>")
                .append("<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\">")
                .append("<path d=\"M0,0 L10,5 L0,10 z\" class=\"arrowhead\"/></marker></defs>");
        for (String id : graph.flow()) {
            for (String dependency : graph.dependenciesOf(id)) {
                if (corner.containsKey(dependency)) {
                    edge(svg, corner.get(dependency), corner.get(id), "edge");
                }
            }
        }
        for (String handler : graph.handlers()) {
            for (String owner : graph.ownersOf(handler)) {
                if (corner.containsKey(owner) && corner.containsKey(handler)) {
                    edge(svg, corner.get(owner), corner.get(handler), "edge handler-edge");
                }
            }
        }
        for (var entry : corner.entrySet()) {
            box(svg, graph, entry.getKey(), entry.getValue(), statuses.getOrDefault(entry.getKey(), "pending"));
        }
        return svg.append("</svg>").toString();
    }

    /** Longest path from the steps that need nothing, then ranks ordered by the mean rank of what they need. */
    static Map<String, Place> layout(StepGraph graph) {
        Map<String, Integer> layers = new LinkedHashMap<>();
        for (String id : graph.flow()) {
            layerOf(graph, id, layers, new HashSet<>());
        }
        int handlerLayer = layers.values().stream().mapToInt(Integer::intValue).max().orElse(-1) + 1;
        List<List<String>> rows = new ArrayList<>();
        layers.forEach((id, layer) -> {
            while (rows.size() <= layer) {
                rows.add(new ArrayList<>());
            }
            rows.get(layer).add(id);
        });
        Map<String, Place> places = new LinkedHashMap<>();
        for (int layer = 0; layer < rows.size(); layer++) {
            List<String> row = rows.get(layer);
            if (layer > 0) {
                List<String> readingOrder = List.copyOf(row);
                row.sort(Comparator.comparingDouble((String id) -> graph.dependenciesOf(id).stream()
                                .filter(places::containsKey).mapToInt(d -> places.get(d).rank()).average().orElse(0))
                        .thenComparingInt(readingOrder::indexOf));
            }
            for (int rank = 0; rank < row.size(); rank++) {
                places.put(row.get(rank), new Place(layer, rank));
            }
        }
        int rank = 0;
        for (String handler : graph.handlers()) {
            if (graph.runbook().step(handler).isPresent()) {
                places.put(handler, new Place(handlerLayer, rank++));
            }
        }
        return places;
    }

    private static int layerOf(StepGraph graph, String id, Map<String, Integer> layers, Set<String> visiting) {
        Integer known = layers.get(id);
        if (known != null) {
            return known;
        }
        if (!visiting.add(id) || !graph.flow().contains(id)) {
            return -1; // a cycle or a missing step: validation reports it; the drawing just goes on
        }
        int layer = 0;
        for (String dependency : graph.dependenciesOf(id)) {
            layer = Math.max(layer, layerOf(graph, dependency, layers, visiting) + 1);
        }
        layers.put(id, layer);
        return layer;
    }

    private static void edge(StringBuilder svg, int[] from, int[] to, String cssClass) {
        int x1 = from[0] + BOX_WIDTH / 2;
        int y1 = from[1] + BOX_HEIGHT;
        int x2 = to[0] + BOX_WIDTH / 2;
        int y2 = to[1];
        int bend = Math.max(20, (y2 - y1) / 2);
        svg.append("<path class=\"").append(cssClass).append("\" d=\"M").append(x1).append(',').append(y1)
                .append(" C").append(x1).append(',').append(y1 + bend).append(' ').append(x2).append(',').append(y2 - bend)
                .append(' ').append(x2).append(',').append(y2).append("\" marker-end=\"url(#arrow)\"/>");
    }

    private static void box(StringBuilder svg, StepGraph graph, String id, int[] at, String status) {
        Step step = graph.step(id);
        String role = graph.isHandler(id) ? handlerRole(graph, id) : step.kind();
        String child = step.has(dev.opsbook.runbook.StepKindSpec.Trait.RUNS_A_RUNBOOK) && step.settings() != null
                && step.settings().path("runbook").isTextual() ? step.settings().get("runbook").asText() : null;
        if (child != null) { // a child run is one node, which links to the child runbook's page (and graph)
            role = "runbook " + child;
            svg.append("<a href=\"/runbooks/").append(Html.escape(java.net.URLEncoder.encode(child, java.nio.charset.StandardCharsets.UTF_8)))
                    .append("\" class=\"child-runbook\">");
        }
        svg.append("<g class=\"step st-").append(Html.escape(status)).append("\" data-step=\"").append(Html.escape(id))
                .append("\" data-status=\"").append(Html.escape(status)).append("\">")
                .append("<title>").append(Html.escape(id + " (" + role + "): " + status
                        + (step.title().equals(id) ? "" : " — " + step.title()))).append("</title>")
                .append("<rect x=\"").append(at[0]).append("\" y=\"").append(at[1]).append("\" width=\"").append(BOX_WIDTH)
                .append("\" height=\"").append(BOX_HEIGHT).append("\" rx=\"8\"/>")
                .append("<text x=\"").append(at[0] + 10).append("\" y=\"").append(at[1] + 19).append("\" class=\"step-id\">")
                .append(Html.escape(shorten(id))).append("</text>")
                .append("<text x=\"").append(at[0] + 10).append("\" y=\"").append(at[1] + 36).append("\" class=\"step-kind\">")
                .append(Html.escape(shorten(role + " · " + status))).append("</text></g>");
        if (child != null) {
            svg.append("</a>");
        }
    }

    private static String handlerRole(StepGraph graph, String id) {
        boolean rollback = graph.runbook().steps().stream().anyMatch(s -> s.rollback().filter(id::equals).isPresent());
        boolean onFailure = graph.runbook().steps().stream()
                .anyMatch(s -> s.onFailure() instanceof FailurePolicy.Handler h && h.stepId().equals(id));
        return rollback && onFailure ? "rollback, on failure" : rollback ? "rollback" : "on failure";
    }

    private static String shorten(String text) {
        return text.length() <= LABEL_CHARACTERS ? text : text.substring(0, LABEL_CHARACTERS - 1) + "…";
    }
}
