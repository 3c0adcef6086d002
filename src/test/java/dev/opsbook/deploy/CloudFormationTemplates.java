package dev.opsbook.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.AbstractConstruct;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * CloudFormation YAML read as CloudFormation reads it: the short forms ({@code !Ref X}, {@code !GetAtt A.B},
 * {@code !Sub ...}, {@code !Join [...]}, {@code !If [...]}...) become their long forms ({@code {"Ref": "X"}},
 * {@code {"Fn::GetAtt": ["A", "B"]}}...), so a template is one JSON tree to check.
 */
final class CloudFormationTemplates {

    private static final Set<String> FUNCTIONS = Set.of("Base64", "Cidr", "FindInMap", "GetAtt", "GetAZs", "ImportValue", "Join", "Select",
            "Split", "Sub", "Transform", "And", "Equals", "If", "Not", "Or", "Condition", "ToJsonString", "Length");

    private CloudFormationTemplates() {
    }

    static JsonNode parse(String yaml) {
        LoaderOptions options = new LoaderOptions();
        SafeConstructor constructor = new SafeConstructor(options) {
            {
                this.yamlConstructors.put(new Tag("!Ref"), new AbstractConstruct() {
                    @Override
                    public Object construct(Node node) {
                        return Map.of("Ref", constructScalar((ScalarNode) node));
                    }
                });
                for (String function : FUNCTIONS) {
                    this.yamlConstructors.put(new Tag("!" + function), new AbstractConstruct() {
                        @Override
                        public Object construct(Node node) {
                            return Map.of(function.equals("Condition") ? "Condition" : "Fn::" + function, argument(function, node));
                        }
                    });
                }
            }

            private Object argument(String function, Node node) {
                if (node instanceof ScalarNode scalar) {
                    String text = constructScalar(scalar);
                    return function.equals("GetAtt") ? List.of(text.substring(0, text.indexOf('.')), text.substring(text.indexOf('.') + 1)) : text;
                }
                if (node instanceof SequenceNode sequence) {
                    List<Object> list = new ArrayList<>();
                    for (Node item : sequence.getValue()) {
                        list.add(constructObject(item));
                    }
                    return list;
                }
                Map<Object, Object> map = new LinkedHashMap<>();
                ((MappingNode) node).getValue().forEach(t -> map.put(constructObject(t.getKeyNode()), constructObject(t.getValueNode())));
                return map;
            }
        };
        Object tree = new Yaml(constructor).load(yaml);
        return new ObjectMapper().valueToTree(tree);
    }
}
