package dev.opsbook.runbook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class YamlTreeTest {

    @Test
    void every_value_and_key_remembers_where_it_was_written_in_the_enclosing_file() {
        YamlTree tree = YamlTree.read("url: https://example.com\nheaders:\n  Accept: text/plain\n", new Position(10, 4), 3);

        assertThat(tree.problems()).isEmpty();
        assertThat(tree.value().path("headers").path("Accept").asText()).isEqualTo("text/plain");
        assertThat(tree.positions())
                .containsEntry("/url#key", new Position(10, 4))
                .containsEntry("/url", new Position(10, 9))
                .containsEntry("/headers/Accept#key", new Position(12, 6))
                .containsEntry("/headers/Accept", new Position(12, 14));
    }

    @Test
    void a_syntax_error_is_placed_in_the_enclosing_file() {
        YamlTree tree = YamlTree.read("url: https://example.com\n  method: GET\n", new Position(4, 1), 0);

        assertThat(tree.value()).isNull();
        assertThat(tree.problems()).singleElement().satisfies(p -> {
            assertThat(p.position()).isEqualTo(new Position(5, 9));
            assertThat(p.message()).startsWith("invalid YAML: mapping values are not allowed here");
        });
    }

    @Test
    void a_duplicate_key_is_reported_with_both_places_and_the_first_value_kept() {
        YamlTree tree = YamlTree.read("a: 1\nb: 2\na: 3\n", new Position(2, 1), 0);

        assertThat(tree.value().path("a").asInt()).isEqualTo(1);
        assertThat(tree.problems()).singleElement().satisfies(p -> {
            assertThat(p.position()).isEqualTo(new Position(4, 1));
            assertThat(p.message()).isEqualTo("duplicate key 'a' (first at 2:1)");
        });
    }

    @Test
    void yes_and_no_stay_words_while_true_false_and_numbers_are_typed() {
        YamlTree tree = YamlTree.read("a: yes\nb: off\nc: true\nd: 12\ne: 1.5\nf: 1_000\ng: ~\nh: '12'\n", Position.START, 0);

        assertThat(tree.value().path("a").isTextual()).isTrue();
        assertThat(tree.value().path("b").asText()).isEqualTo("off");
        assertThat(tree.value().path("c").isBoolean()).isTrue();
        assertThat(tree.value().path("d").isIntegralNumber()).isTrue();
        assertThat(tree.value().path("e").isDouble()).isTrue();
        assertThat(tree.value().path("f").asLong()).isEqualTo(1000);
        assertThat(tree.value().path("g").isNull()).isTrue();
        assertThat(tree.value().path("h").isTextual()).isTrue();
    }

    @Test
    void an_empty_text_is_no_value_and_no_problem() {
        YamlTree tree = YamlTree.read("", Position.START, 0);

        assertThat(tree.value()).isNull();
        assertThat(tree.problems()).isEmpty();
    }

    @Test
    void an_alias_inside_its_own_anchor_is_a_problem_not_a_stack_overflow() {
        YamlTree tree = YamlTree.read("title: x\ntags: &a [ *a ]\n", new Position(2, 1), 0);

        assertThat(tree.value()).isNull();
        assertThat(tree.problems()).singleElement().satisfies(p -> {
            assertThat(p.position()).isEqualTo(new Position(3, 7));
            assertThat(p.message()).contains("alias refers to a value that contains it");
        });
    }

    @Test
    void aliases_that_expand_to_millions_of_values_are_refused_quickly() {
        StringBuilder yaml = new StringBuilder("l0: &l0 [x, y, z]\n");
        for (int i = 1; i < 16; i++) {
            yaml.append("l").append(i).append(": &l").append(i)
                    .append(" [*l").append(i - 1).append(", *l").append(i - 1).append(", *l").append(i - 1).append("]\n");
        }

        YamlTree tree = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> YamlTree.read(yaml.toString(), Position.START, 0));

        assertThat(tree.problems()).singleElement().satisfies(p -> assertThat(p.message()).contains("aliases expand to more than"));
    }

    @Test
    void an_alias_used_twice_side_by_side_is_fine() {
        YamlTree tree = YamlTree.read("base: &b { region: eu-west-1 }\none: *b\ntwo: *b\n", Position.START, 0);

        assertThat(tree.problems()).isEmpty();
        assertThat(tree.value().path("two").path("region").asText()).isEqualTo("eu-west-1");
    }

    @Test
    void an_unquoted_template_as_a_whole_value_is_a_problem_not_a_mapping_inside_a_mapping() {
        YamlTree tree = YamlTree.read("url: {{ params.host }}\n", new Position(7, 1), 0);

        assertThat(tree.problems()).singleElement().satisfies(p -> {
            assertThat(p.position()).isEqualTo(new Position(7, 7));
            assertThat(p.message()).contains("a key must be a single value").contains("must be quoted");
        });
    }

    @Test
    void a_quoted_template_is_a_string() {
        YamlTree tree = YamlTree.read("url: \"{{ params.host }}\"\n", Position.START, 0);

        assertThat(tree.problems()).isEmpty();
        assertThat(tree.value().path("url").asText()).isEqualTo("{{ params.host }}");
    }
}
