package dev.opsbook.engine;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsbook.expression.Expressions;
import dev.opsbook.runbook.Runbook;
import java.util.Map;

/** A run's front-matter {@code outputs:}, evaluated over its context: what a parent run reads of it. */
public final class RunOutputs {

    private RunOutputs() {
    }

    /** @throws dev.opsbook.expression.ExpressionException when an expression cannot be evaluated */
    public static ObjectNode of(Runbook runbook, RunState state) {
        ObjectNode outputs = JsonNodeFactory.instance.objectNode();
        ObjectNode context = state.context();
        for (Map.Entry<String, String> output : runbook.outputs().entrySet()) {
            outputs.set(output.getKey(), Expressions.evaluate(output.getValue(), context));
        }
        return outputs;
    }
}
