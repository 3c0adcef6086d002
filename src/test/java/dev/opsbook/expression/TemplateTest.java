package dev.opsbook.expression;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import org.junit.jupiter.api.Test;

class TemplateTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonNode CONTEXT = json("""
            {"params": {"n": 3, "name": "world", "zones": ["a", "b"], "limits": {"cpu": 2}, "flag": true, "none": null},
             "steps": {"check-disk": {"status": "succeeded", "outputs": {"freeMb": 2048}}}, "env": {"HOME": null}}
            """);

    private static JsonNode json(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static JsonNode render(String template) {
        return Template.parse(template).render(CONTEXT);
    }

    @Test
    void a_template_is_text_holding_double_braces() {
        assertThat(Template.isTemplate("echo {{ params.n }}")).isTrue();
        assertThat(Template.isTemplate("echo ${HOME} }}")).isFalse();
        assertThat(Template.isTemplate(null)).isFalse();
    }

    @Test
    void a_template_that_is_one_expression_keeps_the_json_type_of_its_value() {
        assertThat(render("{{ params.n }}")).isEqualTo(json("3"));
        assertThat(render("{{params.zones}}")).isEqualTo(json("[\"a\",\"b\"]"));
        assertThat(render("{{ params.limits }}")).isEqualTo(json("{\"cpu\":2}"));
        assertThat(render("{{ params.flag }}")).isEqualTo(json("true"));
        assertThat(render("{{ params.none || `null` }}").isNull()).as("null on purpose").isTrue();
        assertThat(render("{{ `5` }}")).isEqualTo(json("5"));
    }

    @Test
    void a_template_with_any_text_around_its_expression_renders_to_text() {
        assertThat(render(" {{ params.n }}")).isEqualTo(JsonNodeFactory.instance.textNode(" 3"));
        assertThat(render("{{ params.n }}{{ params.n }}")).isEqualTo(JsonNodeFactory.instance.textNode("33"));
    }

    @Test
    void values_written_into_text_are_strings_as_they_are_and_the_rest_as_json() {
        assertThat(render("hello {{ params.name }}: {{ params.n }} {{ params.zones }} {{ params.limits }} [{{ params.none || '' }}] {{ params.flag }}").textValue())
                .isEqualTo("hello world: 3 [\"a\",\"b\"] {\"cpu\":2} [] true");
    }

    @Test
    void a_null_value_is_an_error_naming_the_expression_and_why_at_the_expression() {
        assertThatThrownBy(() -> render("echo {{ params.nmae }}"))
                .isInstanceOf(ExpressionException.class)
                .hasMessage("params.nmae is null: params has no 'nmae' (it has n, name, zones, limits, flag, none);"
                        + " if it may be, give a default: {{ params.nmae || 'none' }}")
                .satisfies(e -> assertThat(((ExpressionException) e).offset()).isEqualTo(8));
        assertThatThrownBy(() -> render("{{ params.none }}")).hasMessageStartingWith(
                "params.none is null: parameter 'none' has no value (it is optional and has no default)");
        assertThatThrownBy(() -> render("{{ steps.\"check-disk\".outputs.used }}")).hasMessageStartingWith(
                "steps.\"check-disk\".outputs.used is null: steps.\"check-disk\".outputs has no 'used' (it has freeMb)");
        assertThatThrownBy(() -> render("{{ steps.deploy.outputs.version }}")).hasMessageStartingWith(
                "steps.deploy.outputs.version is null: step 'deploy' has not run");
        assertThatThrownBy(() -> render("{{ params.zones[5] }}")).hasMessageStartingWith("params.zones[5] is null: params.zones has 2 items");
        assertThatThrownBy(() -> render("{{ params.name.first }}")).hasMessageStartingWith(
                "params.name.first is null: params.name is text, not an object with 'first'");
        assertThatThrownBy(() -> render("{{ env.HOME }}")).hasMessageStartingWith(
                "env.HOME is null: the environment variable HOME is not set");
        assertThatThrownBy(() -> render("{{ params.zones[?@ == 'c'] | [0] }}")).hasMessageStartingWith(
                "params.zones[?@ == 'c'] | [0] is null; if it may be, give a default");
        assertThatThrownBy(() -> render("{{ item.name }}")).as("no dangling ' has' with nothing before it").hasMessageStartingWith(
                "item.name is null: this step runs for no item (item and index are set for each item of a step with foreach=,"
                        + " and for its rollback)");
    }

    @Test
    void an_expression_that_ends_in_a_default_may_be_null_on_purpose() {
        assertThat(render("[{{ params.missing || 'none' }}]").textValue()).isEqualTo("[none]");
        assertThat(NullValues.givesDefault("a || b")).isTrue();
        assertThat(NullValues.givesDefault("a || b.c[0]")).isTrue();
        assertThat(NullValues.givesDefault("(a || b).c")).as("the default is inside, not at the end").isFalse();
        assertThat(NullValues.givesDefault("a || b | c")).isFalse();
        assertThat(NullValues.givesDefault("join('||', a)")).isFalse();
        assertThat(NullValues.givesDefault("a == '||'")).isFalse();
    }

    @Test
    void a_quoted_step_id_reads_a_step_whose_id_has_a_dash() {
        assertThat(render("{{ steps.\"check-disk\".outputs.freeMb }}")).isEqualTo(json("2048"));
    }

    @Test
    void text_without_expressions_is_one_text_part_and_stray_closing_braces_are_text() {
        Template template = Template.parse("a }} b");

        assertThat(template.parts()).containsExactly(new Template.Text("a }} b"));
        assertThat(template.expressions()).isEmpty();
        assertThat(template.render(CONTEXT).textValue()).isEqualTo("a }} b");
    }

    @Test
    void parts_and_the_offsets_of_expressions_are_kept() {
        Template template = Template.parse("n={{  params.n }} and {{params.name}}");

        assertThat(template.source()).isEqualTo("n={{  params.n }} and {{params.name}}");
        assertThat(template.parts()).containsExactly(
                new Template.Text("n="), new Template.Expr("params.n", 6), new Template.Text(" and "), new Template.Expr("params.name", 24));
        assertThat(template.isSingleExpression()).isFalse();
        assertThat(Template.parse("{{ params.n }}").isSingleExpression()).isTrue();
    }

    @Test
    void an_unclosed_template_is_an_error_at_its_opening_braces() {
        assertThatThrownBy(() -> Template.parse("echo {{ params.name"))
                .isInstanceOf(ExpressionException.class)
                .hasMessage("'{{' is not closed by '}}'")
                .satisfies(e -> assertThat(((ExpressionException) e).offset()).isEqualTo(5));
    }

    @Test
    void an_empty_expression_is_an_error() {
        assertThatThrownBy(() -> Template.parse("x {{  }} y"))
                .isInstanceOf(ExpressionException.class)
                .hasMessageContaining("empty expression")
                .satisfies(e -> assertThat(((ExpressionException) e).offset()).isEqualTo(2));
    }

    @Test
    void an_expression_that_is_not_jmespath_is_an_error_placed_inside_the_template() {
        assertThatThrownBy(() -> Template.parse("echo {{ params.n == }}"))
                .isInstanceOf(ExpressionException.class)
                .hasMessageStartingWith("invalid JMESPath 'params.n =='")
                .satisfies(e -> assertThat(((ExpressionException) e).offset()).isGreaterThanOrEqualTo(8));
    }

    @Test
    void a_raw_string_literal_of_double_braces_is_how_a_literal_double_brace_is_written() {
        Template template = Template.parse("kubectl get nodes --template='{{ '{{' }}range .items}}{{ '{{' }}.metadata.name}}{{ '{{' }}end}}'");

        assertThat(template.expressions()).isEmpty();
        assertThat(template.parts()).containsExactly(
                new Template.Text("kubectl get nodes --template='{{range .items}}{{.metadata.name}}{{end}}'"));
        assertThat(render("{{ '{{' }}")).isEqualTo(JsonNodeFactory.instance.textNode("{{"));
        assertThat(render("a {{ 'it\\'s' }}").textValue()).isEqualTo("a it's");
    }

    @Test
    void every_template_that_does_not_parse_is_a_problem_in_plain_words_not_only_the_first() {
        String line = "{{range .items}}{{.metadata.name}} {{ params.n }} {{println $k}}";

        assertThat(Template.problems(line)).extracting(ExpressionException::offset).containsExactly(18, 60);
        assertThat(Template.problems(line)).extracting(ExpressionException::getMessage).containsExactly(
                "invalid JMESPath '.metadata.name': unexpected '.'",
                "invalid JMESPath 'println $k': unexpected '$'");
        assertThat(Template.problems("{{ params.n == }}")).extracting(ExpressionException::getMessage)
                .containsExactly("invalid JMESPath 'params.n ==': it ends where more was expected");
        assertThat(Template.problems("{{ params.n }}")).isEmpty();
    }

    @Test
    void an_unquoted_id_with_a_dash_gets_a_hint_to_quote_it() {
        assertThatThrownBy(() -> Template.parse("{{ steps.check-disk.outputs }}"))
                .isInstanceOf(ExpressionException.class)
                .hasMessageContaining("steps.\"check-disk\".outputs");
    }

    @Test
    void a_deferred_expression_is_left_as_written() {
        JsonNode whole = Template.parse("{{ steps.later.outputs.x }}").render(CONTEXT, e -> e.startsWith("steps.later"), Template::asText);
        JsonNode mixed = Template.parse("n={{ params.n }} x={{steps.later.x}}").render(CONTEXT, e -> e.startsWith("steps.later"), Template::asText);

        assertThat(whole.textValue()).isEqualTo("{{ steps.later.outputs.x }}");
        assertThat(mixed.textValue()).isEqualTo("n=3 x={{ steps.later.x }}");
    }


    @Test
    void templates_render_every_string_of_a_settings_document_and_leave_other_values_alone() {
        JsonNode settings = json("""
                {"url": "https://{{ params.name }}.example", "replicas": "{{ params.n }}", "retries": 2,
                 "headers": {"X-Zones": "{{ params.zones }}"}, "list": ["{{ params.flag }}", "plain"], "none": null}
                """);

        JsonNode rendered = Templates.render(settings, CONTEXT);

        assertThat(rendered).isEqualTo(json("""
                {"url": "https://world.example", "replicas": 3, "retries": 2,
                 "headers": {"X-Zones": ["a", "b"]}, "list": [true, "plain"], "none": null}
                """));
        assertThat(Templates.render(null, CONTEXT)).isNull();
    }

    @Test
    void jmespath_truthiness_decides_conditions() {
        assertThat(Expressions.isTruthy(json("true"))).isTrue();
        assertThat(Expressions.isTruthy(json("0"))).isTrue();
        assertThat(Expressions.isTruthy(json("\"x\""))).isTrue();
        assertThat(Expressions.isTruthy(json("[0]"))).isTrue();
        assertThat(Expressions.isTruthy(json("false"))).isFalse();
        assertThat(Expressions.isTruthy(json("null"))).isFalse();
        assertThat(Expressions.isTruthy(json("\"\""))).isFalse();
        assertThat(Expressions.isTruthy(json("[]"))).isFalse();
        assertThat(Expressions.isTruthy(json("{}"))).isFalse();
        assertThat(Expressions.isTruthy(null)).isFalse();
    }

    @Test
    void an_expression_evaluates_over_the_context_and_a_missing_name_is_null() {
        assertThat(Expressions.evaluate("params.n > `2` && steps.\"check-disk\".status == 'succeeded'", CONTEXT)).isEqualTo(json("true"));
        assertThat(Expressions.evaluate("length(params.zones)", CONTEXT).asInt()).isEqualTo(2);
        assertThat(Expressions.evaluate("params.nothing.deeper", CONTEXT).isNull()).isTrue();
        assertThatThrownBy(() -> Expressions.compile("   ")).isInstanceOf(ExpressionException.class).hasMessage("empty expression");
    }
}
