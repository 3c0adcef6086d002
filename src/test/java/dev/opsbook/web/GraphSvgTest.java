package dev.opsbook.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsbook.engine.Fixtures;
import dev.opsbook.graph.StepGraph;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GraphSvgTest {

    @Test
    void parallel_branches_stand_side_by_side_between_the_steps_they_join() throws Exception {
        StepGraph graph = Fixtures.load("engine/parallel.md").graph();

        Map<String, GraphSvg.Place> places = GraphSvg.layout(graph);

        assertThat(places.get("start")).isEqualTo(new GraphSvg.Place(0, 0));
        assertThat(places.get("left")).isEqualTo(new GraphSvg.Place(1, 0));
        assertThat(places.get("right")).isEqualTo(new GraphSvg.Place(1, 1));
        assertThat(places.get("join")).isEqualTo(new GraphSvg.Place(2, 0));
    }

    @Test
    void handlers_sit_in_a_last_row_joined_by_dashed_edges() throws Exception {
        StepGraph graph = Fixtures.load("engine/rollback.md").graph();

        Map<String, GraphSvg.Place> places = GraphSvg.layout(graph);
        String svg = GraphSvg.render(graph, Map.of("copy", "succeeded", "migrate", "failed"));

        assertThat(places.get("switch").layer()).isEqualTo(2);
        assertThat(places.get("undo-migrate").layer()).isEqualTo(3);
        assertThat(places.get("remove-copy").layer()).isEqualTo(3);
        assertThat(svg).startsWith("<svg").endsWith("</svg>")
                .contains("class=\"step st-succeeded\" data-step=\"copy\"")
                .contains("class=\"step st-failed\" data-step=\"migrate\"")
                .contains("class=\"step st-pending\" data-step=\"switch\"")
                .contains("class=\"edge handler-edge\"")
                .contains(">rollback · pending<");
    }

    @Test
    void step_names_and_titles_are_escaped() throws Exception {
        StepGraph graph = Fixtures.load("web/hostile.md").graph();

        String svg = GraphSvg.render(graph, Map.of("say", "<script>"));

        assertThat(svg).doesNotContain("<script").contains("st-&lt;script&gt;");
    }
}
