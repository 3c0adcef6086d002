package dev.opsbook.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.POJONode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.representer.Represent;
import org.yaml.snakeyaml.representer.Representer;

/**
 * Writes a tree (Jackson nodes, maps, lists, {@link Intrinsic}s) as the YAML of a CloudFormation
 * template: block style, two spaces, keys in the order given, functions in their short form.
 */
public final class CloudFormationYaml {

    private static final java.util.regex.Pattern QUOTED_NAME = java.util.regex.Pattern.compile("!(Ref|GetAtt) '([A-Za-z0-9.:]+)'");

    private CloudFormationYaml() {
    }

    public static String write(Object tree) {
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        options.setIndent(2);
        options.setIndicatorIndent(2);
        options.setIndentWithIndicator(true);
        options.setWidth(Integer.MAX_VALUE);
        options.setSplitLines(false);
        Representer representer = new Representer(options) {
            {
                this.representers.put(Intrinsic.class, new Represent() {
                    @Override
                    public Node representData(Object data) {
                        Intrinsic intrinsic = (Intrinsic) data;
                        return representScalar(new Tag("!" + intrinsic.function()), intrinsic.argument());
                    }
                });
            }
        };
        // //why: SnakeYAML quotes every scalar with a tag of its own; a logical name needs no quotes, as people write it
        return QUOTED_NAME.matcher(new Yaml(representer, options).dump(plain(tree))).replaceAll("!$1 $2");
    }

    /** Jackson nodes as maps, lists and scalars SnakeYAML writes; a POJO node as what it holds. */
    static Object plain(Object tree) {
        if (tree instanceof POJONode pojo) {
            return plain(pojo.getPojo());
        }
        if (tree instanceof JsonNode node) {
            if (node.isObject()) {
                Map<String, Object> map = new LinkedHashMap<>();
                node.fields().forEachRemaining(f -> map.put(f.getKey(), plain(f.getValue())));
                return map;
            }
            if (node.isArray()) {
                List<Object> list = new ArrayList<>();
                node.forEach(e -> list.add(plain(e)));
                return list;
            }
            if (node.isNull()) {
                return null;
            }
            if (node.isBoolean()) {
                return node.booleanValue();
            }
            if (node.isIntegralNumber()) {
                return node.bigIntegerValue().bitLength() < 64 ? (Object) node.longValue() : node.bigIntegerValue();
            }
            if (node.isNumber()) {
                return node.doubleValue();
            }
            return node.asText();
        }
        if (tree instanceof Map<?, ?> map) {
            Map<Object, Object> out = new LinkedHashMap<>();
            map.forEach((k, v) -> out.put(k, plain(v)));
            return out;
        }
        if (tree instanceof List<?> list) {
            return list.stream().map(CloudFormationYaml::plain).toList();
        }
        return tree;
    }
}
