package dev.opsbook.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opsbook.engine.RunState;
import java.util.Comparator;

/**
 * Compares runs read back from their stored JSON with the runs as they happened. JSON text does
 * not say which Java type made a number ({@code 5} from a long, a BigInteger or an int reads back
 * as an int), and Jackson's nodes of different number types are never equal; everything else
 * must be equal exactly.
 */
final class SameJson {

    private static final Comparator<JsonNode> NUMBERS_BY_VALUE = (a, b) -> {
        if (a.equals(b)) {
            return 0;
        }
        if (a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue());
        }
        return 1;
    };

    private SameJson() {
    }

    static boolean same(JsonNode a, JsonNode b) {
        return a == b || (a != null && b != null && a.equals(NUMBERS_BY_VALUE, b));
    }

    static void assertSameState(RunState actual, RunState expected) {
        assertThat(actual).usingRecursiveComparison()
                .withEqualsForType(SameJson::same, JsonNode.class)
                .isEqualTo(expected);
    }
}
