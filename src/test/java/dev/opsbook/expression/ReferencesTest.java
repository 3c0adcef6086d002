package dev.opsbook.expression;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ReferencesTest {

    @Test
    void a_reference_names_its_root_its_name_and_where_it_starts() {
        assertThat(References.in("steps.check.outputs.count > params.min && env.USER == run.startedBy"))
                .containsExactly(
                        new Reference("steps", "check", 0),
                        new Reference("params", "min", 28),
                        new Reference("env", "USER", 42),
                        new Reference("run", "startedBy", 54));
    }

    @Test
    void a_quoted_step_id_is_read_without_its_quotes() {
        assertThat(References.in("steps.\"check-disk\".outputs.freeMb"))
                .containsExactly(new Reference("steps", "check-disk", 0));
        assertThat(References.in("params.\"my-param\""))
                .containsExactly(new Reference("params", "my-param", 0));
    }

    @Test
    void references_inside_functions_lists_and_filters_are_found() {
        assertThat(References.in("length(params.zones)")).containsExactly(new Reference("params", "zones", 7));
        assertThat(References.in("[params.a, steps.b.status]")).extracting(Reference::name).containsExactly("a", "b");
        assertThat(References.in("steps.list.outputs.items[?name == params.wanted]"))
                .extracting(Reference::root, Reference::name)
                .containsExactly(tuple("steps", "list"), tuple("params", "wanted"));
    }

    @Test
    void white_space_around_the_dot_does_not_hide_a_reference() {
        assertThat(References.in("params . region")).containsExactly(new Reference("params", "region", 0));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "'params.region'",
            "`\"params.region\"`",
            "'it\\'s params.region'",
            "status == 'steps.other failed'",
    })
    void names_inside_string_and_json_literals_are_not_references(String expression) {
        assertThat(References.in(expression)).isEmpty();
    }

    @Test
    void a_literal_next_to_a_real_reference_hides_only_itself() {
        assertThat(References.in("params.stage == 'params.prod'")).containsExactly(new Reference("params", "stage", 0));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"myparams.region", "result.params.region", "@.steps.x", "json.env.HOME"})
    void a_root_name_inside_a_longer_path_is_not_a_reference(String expression) {
        assertThat(References.in(expression)).isEmpty();
    }

    @Test
    void an_expression_starting_from_a_name_templates_do_not_know_is_flagged() {
        assertThat(References.unknownRoot("param.region")).contains("param");
        assertThat(References.unknownRoot("  step.x.outputs")).contains("step");
        assertThat(References.unknownRoot("region")).contains("region");
    }

    @Test
    void an_expression_starting_from_a_quoted_name_templates_do_not_know_is_flagged_as_written() {
        assertThat(References.unknownRoot("\"\\n\"")).contains("\"\\n\"");
        assertThat(References.unknownRoot("\"===> node:> \"")).contains("\"===> node:> \"");
        assertThat(References.unknownRoot(" \"region\".name")).contains("\"region\"");
        assertThat(References.unknownRoot("\"params\".region")).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"params.region", "steps.x.status", "env.USER", "run.id", "event.detail",
            "length(params.zones)", "true", "null", "`1` > `0`", "'text'", "!params.dryRun", "[params.a]", "@"})
    void an_expression_starting_from_a_known_root_a_function_or_a_literal_is_not_flagged(String expression) {
        assertThat(References.unknownRoot(expression)).isEmpty();
    }

    @Test
    void the_roots_templates_can_read_are_the_five_documented_ones() {
        assertThat(References.ROOTS).containsExactlyInAnyOrder("params", "steps", "env", "run", "event");
    }
}
