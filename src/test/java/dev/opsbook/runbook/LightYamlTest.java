package dev.opsbook.runbook;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The light reader gives exactly what SnakeYAML gives (values, their types, where each was written), or gives the
 * text to SnakeYAML: each case is read both ways and compared.
 */
class LightYamlTest {

    private static final Position ORIGIN = new Position(7, 4);
    private static final int INDENT = 3;

    @ParameterizedTest
    @ValueSource(strings = {
            "a: yes\nb: no\nc: on\nd: off\ne: Yes\nf: NO\ng: true\nh: False\ni: TRUE\n",
            "a: 12\nb: -3\nc: +4\nd: 1.5\ne: 1_000\nf: 0x1F\ng: 017\nh: 1e3\ni: .5\nj: 12345678901234567890\nk: .inf\nl: -.Inf\nm: .nan\nn: 1:30\no: 0b101\n",
            "a: ~\nb: null\nc: Null\nd: NULL\ne:\nf: nil\n",
            "a: 'quoted'\nb: 'it''s'\nc: '12'\nd: 'true'\ne: ''\nf: '  spaced  '\n",
            "a: \"esc\\n\"\nb: \"tab\\there\"\nc: \"q\\\"uote\"\nd: \"back\\\\slash\"\ne: \"\"\nf: \"12\"\ng: \"nul\\0\"\nh: \"cr\\r\"\n",
            "# a comment\na: 1 # a comment after\nb: text#not-a-comment\n\n   # indented comment\nc: 'x' # after quotes\n",
            "url: https://example.com:8443/path?q=1#frag\ntime: 12:30:45\nratio: 1:2\nmsg: a:b\n",
            "key: value with  two  spaces   \nother: trailing spaces   \n",
            "nested:\n  a: 1\n  deeper:\n    b: two\n    c: [x, y]\n  after: 3\ntop: end\n",
            "list:\n  - one\n  - 2\n  - 'three'\n  - k: v\n    j: w\n  - { a: 1 }\n",
            "list:\n- one\n- two\nnext: 1\n",
            "- a\n- b: 1\n  c: 2\n-   d: 3\n",
            "items:\n  - name: x\n    values:\n    - 1\n    - 2\n  - name: y\n",
            "flow: { type: string, default: example.com, pattern: \"^[a-z.]+$\" }\nlist: [1, 3, 5]\nempty: {}\nnone: []\n",
            "input: { InstanceIds: [\"{{ params.instanceId }}\"], Filters: [{ Name: a, Values: [running, stopped] }] }\n",
            "flow: { description: The ECS cluster, url: http://x/y, neg: -1, word: yes }\n",
            "empty1:\nempty2:   \nempty3: # comment\nlast: 1\n",
            "a: x\n\n\nb: y\n",
            "X-Stage: \"3\"\nContent-Type: application/json\nsnake_case: 1\ndotted.key: 2\npath/key: 3\n",
            "tilde~key: 4\n",
            "that: \"steps.s1.outputs.state == 'ok'\"\nmessage: \"the service is not healthy on {{ params.host }} at stage 2\"\n",
            "command: echo {{ params.x }} and {braces}\n",
            "  indented: 1\n  also: 2\n",
            "a: -x\nb: -1\n",
            "a: -\n",
            "a: 1\na: 2\n",
            "a: [1, 2,]\n",
            "a: {{ params.x }}\n",
            "a: b: c\n",
            "a: |\n  literal\n",
            "a: >\n  folded\n",
            "a: &anchor 1\nb: *anchor\n",
            "a: !!str 1\n",
            "a: multi\n  line\n",
            "a: 'multi\n  line'\n",
            "a:\n  plain on its own line\n",
            "\"quoted key\": 1\n",
            "a:\tb\n",
            "a: 1\r\nb: 2\r\n",
            "---\na: 1\n",
            "a: [x, [y, z]], b: 2\n",
            "a: [k: v]\n",
            "a: { k }\n",
            "a: [x # comment\n  , y]\n",
            "a: \"\\u00e9\\x41\"\n",
            "? complex\n: key\n",
            "a:\n  - x\n  b: 1\n",
            "a:\n  b: 1\n c: 2\n",
            "-\n  a: 1\n",
            "just a sentence\n",
            "",
            "# only a comment\n",
            "a: [1, 2]x\n",
            "a: 'x'y\n",
            "a: 'x'#c\n",
            "a: @x\n",
            "a: `x`\n",
            "a: %x\n",
            "a: ,x\n",
            "a: ?x\n",
            "a: { b: ?x }\n",
            "a: [ x?y ]\n",
            "émoji: 1\n",
            "a: é\n",
    })
    void reads_as_snakeyaml_does_or_leaves_the_text_to_it(String text) {
        YamlTree light = LightYaml.read(text, new YamlTree.Placer(ORIGIN, INDENT));
        YamlTree snake = YamlTree.readWithSnakeYaml(text, ORIGIN, INDENT);

        if (light != null) {
            assertThat(snake.problems()).as("SnakeYAML's problems with %s", text).isEmpty();
            assertThat(light.value()).as("value of %s", text).isEqualTo(snake.value());
            assertThat(light.value().toString()).isEqualTo(snake.value().toString()); // 1 and 1.0 are equal JsonNodes
            assertThat(light.positions()).as("positions in %s", text).isEqualTo(snake.positions());
        }
        assertThat(YamlTree.read(text, ORIGIN, INDENT)).isEqualTo(light != null ? light : snake);
    }

    @org.junit.jupiter.api.Test
    void a_plain_value_is_typed_as_snakeyaml_types_it_whatever_it_starts_with() {
        for (char first = '!'; first <= '~'; first++) {
            for (String rest : new String[] {"", "1", "x", "ull", "0", ".5", "rue", "es", "n", " word", "_1",
                    "alse", "ALSE", "alsey", "ullable"}) { // false and FALSE are the longest typed words; falsey is text
                reads_as_snakeyaml_does_or_leaves_the_text_to_it("a: " + first + rest + "\nb: [" + first + rest + "]\n");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "url: \"https://{{ params.host }}/health/1\"\nmethod: GET\nheaders:\n  Accept: application/json\n  X-Stage: \"1\"\noutputs:\n  state: json.state\n",
            "service: ec2\noperation: DescribeInstances\ninput: { InstanceIds: [\"{{ params.instanceId }}\"] }\noutputs: { state: \"Reservations[0].Instances[0].State.Name\" }\n",
            "a: yes\nb: 12\nc: ~\nd: 'q'\ne: \"esc\\n\"\nf: x # c\ng: http://x:80/y\nh: [1, two]\n",
            "triggers:\n  - pattern:\n      source: [aws.ec2]\n      detail: { state: [stopped] }\n    parameters:\n      instanceId: detail.\"instance-id\"\n",
    })
    void reads_the_usual_step_bodies_and_front_matter_itself(String text) {
        YamlTree light = LightYaml.read(text, new YamlTree.Placer(ORIGIN, INDENT));

        assertThat(light).as("read without SnakeYAML: %s", text).isNotNull();
        assertThat(light).isEqualTo(YamlTree.readWithSnakeYaml(text, ORIGIN, INDENT));
    }
}
