package dev.opsbook.runbook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ParameterValuesTest {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static Parameter parameter(ParameterType type) {
        return parameter(type, null, List.of());
    }

    private static Parameter parameter(ParameterType type, String pattern, List<JsonNode> allowed) {
        return new Parameter("p", type, Optional.empty(), true, Optional.ofNullable(pattern), allowed, "", Position.START);
    }

    private static JsonNode valid(ParameterValues.Outcome outcome) {
        assertThat(outcome).isInstanceOf(ParameterValues.Valid.class);
        return ((ParameterValues.Valid) outcome).value();
    }

    private static String invalid(ParameterValues.Outcome outcome) {
        assertThat(outcome).isInstanceOf(ParameterValues.Invalid.class);
        return ((ParameterValues.Invalid) outcome).reason();
    }

    private static JsonNode json(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    // ---- text from the command line -----------------------------------------------------------

    @Test
    void text_for_a_string_or_secret_is_kept_exactly_as_typed() {
        assertThat(valid(ParameterValues.fromText(parameter(ParameterType.STRING), " eu-west-1 "))).isEqualTo(JSON.textNode(" eu-west-1 "));
        assertThat(valid(ParameterValues.fromText(parameter(ParameterType.SECRET), "s3cr3t"))).isEqualTo(JSON.textNode("s3cr3t"));
    }

    @ParameterizedTest(name = "''{0}'' is the integer {1}")
    @CsvSource({"42, 42", "' 7 ', 7", "-3, -3", "+5, 5", "12345678901234567890, 12345678901234567890"})
    void text_for_an_integer_becomes_a_json_integer(String text, String expected) {
        JsonNode value = valid(ParameterValues.fromText(parameter(ParameterType.INTEGER), text));

        assertThat(value.isIntegralNumber()).isTrue();
        assertThat(value.bigIntegerValue()).isEqualTo(new java.math.BigInteger(expected));
    }

    @ParameterizedTest(name = "''{0}'' is not an integer")
    @ValueSource(strings = {"4.5", "three", "", "1e3", "0x10"})
    void text_that_is_not_an_integer_is_refused_with_the_text_in_the_reason(String text) {
        assertThat(invalid(ParameterValues.fromText(parameter(ParameterType.INTEGER), text))).isEqualTo("'" + text + "' is not an integer");
    }

    @Test
    void text_for_a_number_becomes_a_json_number() {
        assertThat(valid(ParameterValues.fromText(parameter(ParameterType.NUMBER), "0.25")).decimalValue())
                .isEqualByComparingTo("0.25");
        assertThat(valid(ParameterValues.fromText(parameter(ParameterType.NUMBER), "1e3")).decimalValue())
                .isEqualByComparingTo("1000");
        assertThat(invalid(ParameterValues.fromText(parameter(ParameterType.NUMBER), "half"))).isEqualTo("'half' is not a number");
    }

    @ParameterizedTest(name = "''{0}'' is {1}")
    @CsvSource({"true, true", "TRUE, true", "yes, true", "y, true", "1, true", "false, false", "No, false", "n, false", "0, false"})
    void text_for_a_boolean_accepts_the_usual_words(String text, boolean expected) {
        assertThat(valid(ParameterValues.fromText(parameter(ParameterType.BOOLEAN), text))).isEqualTo(JSON.booleanNode(expected));
    }

    @Test
    void text_for_a_boolean_that_is_no_such_word_is_refused() {
        assertThat(invalid(ParameterValues.fromText(parameter(ParameterType.BOOLEAN), "maybe")))
                .isEqualTo("'maybe' is not a boolean (true or false)");
    }

    @Test
    void text_for_a_list_is_comma_separated_words_or_a_json_array() {
        Parameter list = parameter(ParameterType.LIST);

        assertThat(valid(ParameterValues.fromText(list, "a, b ,c"))).isEqualTo(json("[\"a\",\"b\",\"c\"]"));
        assertThat(valid(ParameterValues.fromText(list, "[1, \"two\"]"))).isEqualTo(json("[1,\"two\"]"));
        assertThat(valid(ParameterValues.fromText(list, ""))).isEqualTo(json("[]"));
        assertThat(invalid(ParameterValues.fromText(list, "[1, 2"))).isEqualTo("'[1, 2' is not a list");
    }

    // ---- values already typed by YAML (defaults) -------------------------------------------------

    @Test
    void a_default_of_the_right_json_type_is_kept() {
        assertThat(valid(ParameterValues.check(parameter(ParameterType.INTEGER), json("3")))).isEqualTo(json("3"));
        assertThat(valid(ParameterValues.check(parameter(ParameterType.BOOLEAN), json("false")))).isEqualTo(json("false"));
        assertThat(valid(ParameterValues.check(parameter(ParameterType.LIST), json("[\"a\"]")))).isEqualTo(json("[\"a\"]"));
        assertThat(valid(ParameterValues.check(parameter(ParameterType.NUMBER), json("2")))).isEqualTo(json("2"));
    }

    @Test
    void a_default_written_as_text_is_converted_where_the_text_is_unambiguous() {
        assertThat(valid(ParameterValues.check(parameter(ParameterType.INTEGER), JSON.textNode("12")))).isEqualTo(JSON.numberNode(new java.math.BigInteger("12")));
        assertThat(valid(ParameterValues.check(parameter(ParameterType.STRING), json("3")))).isEqualTo(JSON.textNode("3"));
        assertThat(valid(ParameterValues.check(parameter(ParameterType.LIST), JSON.textNode("a,b")))).isEqualTo(json("[\"a\",\"b\"]"));
    }

    @Test
    void a_default_of_the_wrong_type_is_refused_with_its_json_in_the_reason() {
        assertThat(invalid(ParameterValues.check(parameter(ParameterType.INTEGER), JSON.textNode("three")))).isEqualTo("\"three\" is not an integer");
        assertThat(invalid(ParameterValues.check(parameter(ParameterType.INTEGER), json("1.5")))).isEqualTo("1.5 is not an integer");
        assertThat(invalid(ParameterValues.check(parameter(ParameterType.BOOLEAN), JSON.textNode("yes")))).isEqualTo("\"yes\" is not a boolean (true or false)");
        assertThat(invalid(ParameterValues.check(parameter(ParameterType.STRING), json("[1]")))).isEqualTo("[1] is not a string");
        assertThat(invalid(ParameterValues.check(parameter(ParameterType.STRING), json("null")))).isEqualTo("null is not a string");
    }

    // ---- pattern and enum ---------------------------------------------------------------------------

    @Test
    void a_pattern_is_searched_in_the_value_as_json_schema_does_so_anchors_make_it_whole() {
        Parameter loose = parameter(ParameterType.STRING, "[a-z]+-[0-9]", List.of());
        Parameter anchored = parameter(ParameterType.STRING, "^[a-z]+-[0-9]$", List.of());

        assertThat(valid(ParameterValues.fromText(loose, "EU west-1 X"))).isEqualTo(JSON.textNode("EU west-1 X"));
        assertThat(invalid(ParameterValues.fromText(anchored, "EU west-1 X"))).isEqualTo("'EU west-1 X' does not match pattern '^[a-z]+-[0-9]$'");
        assertThat(valid(ParameterValues.fromText(anchored, "west-1"))).isEqualTo(JSON.textNode("west-1"));
    }

    @Test
    void a_pattern_applies_to_every_item_of_a_list() {
        Parameter zones = parameter(ParameterType.LIST, "^[a-c]$", List.of());

        assertThat(valid(ParameterValues.fromText(zones, "a,b"))).isEqualTo(json("[\"a\",\"b\"]"));
        assertThat(invalid(ParameterValues.fromText(zones, "a,d"))).isEqualTo("'d' does not match pattern '^[a-c]$'");
    }

    @Test
    void an_enum_allows_only_its_values_and_compares_numbers_by_value() {
        Parameter stage = parameter(ParameterType.STRING, null, List.of(JSON.textNode("dev"), JSON.textNode("prod")));
        Parameter replicas = parameter(ParameterType.INTEGER, null, List.of(json("1"), json("3")));

        assertThat(valid(ParameterValues.fromText(stage, "prod"))).isEqualTo(JSON.textNode("prod"));
        assertThat(invalid(ParameterValues.fromText(stage, "test"))).isEqualTo("'test' is not one of: dev, prod");
        assertThat(valid(ParameterValues.fromText(replicas, "3")).intValue()).isEqualTo(3);
        assertThat(invalid(ParameterValues.fromText(replicas, "2"))).isEqualTo("2 is not one of: 1, 3");
    }

    @Test
    void an_enum_on_a_list_applies_to_each_item() {
        Parameter zones = parameter(ParameterType.LIST, null, List.of(JSON.textNode("a"), JSON.textNode("b")));

        assertThat(valid(ParameterValues.fromText(zones, "b,a"))).isEqualTo(json("[\"b\",\"a\"]"));
        assertThat(invalid(ParameterValues.fromText(zones, "a,z"))).isEqualTo("'z' is not one of: a, b");
    }

    @Test
    void a_secret_value_never_appears_in_a_reason() {
        Parameter token = parameter(ParameterType.SECRET, "^tok-", List.of());
        Parameter pin = new Parameter("pin", ParameterType.SECRET, Optional.empty(), true, Optional.empty(),
                List.of(JSON.textNode("0000")), "", Position.START);

        assertThat(invalid(ParameterValues.fromText(token, "hunter2"))).doesNotContain("hunter2").contains("the value");
        assertThat(invalid(ParameterValues.fromText(pin, "hunter2"))).doesNotContain("hunter2");
        assertThat(invalid(ParameterValues.check(token, json("[\"hunter2\"]")))).doesNotContain("hunter2");
    }

    @Test
    void problem_gives_the_reason_of_an_invalid_outcome_and_nothing_for_a_valid_one() {
        assertThat(ParameterValues.problem(ParameterValues.fromText(parameter(ParameterType.INTEGER), "x"))).contains("'x' is not an integer");
        assertThat(ParameterValues.problem(ParameterValues.fromText(parameter(ParameterType.INTEGER), "1"))).isEmpty();
    }
}
