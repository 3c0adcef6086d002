package dev.opsbook.record;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.opsbook.engine.ForEachItems;
import dev.opsbook.engine.Redactor;
import dev.opsbook.engine.RunState;
import dev.opsbook.engine.StepExecution;
import dev.opsbook.runbook.Durations;
import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * A for-each step in the record: shown once, with a table of its items (item, status, duration, a short
 * result) in input order, then each item that ran folded with what it did, as any step's execution is shown.
 */
final class ForEachRecord {

    private static final int SHORT = 80;

    private ForEachRecord() {
    }

    /** @param details writes one item's execution as the record writes any step's */
    static void items(StringBuilder out, RunState state, StepExecution forEach, Redactor redactor,
                      BiConsumer<StringBuilder, StepExecution> details) {
        ArrayNode items = (ArrayNode) redactor.json(ForEachItems.items(forEach).orElseThrow());
        String expression = forEach.input().path("foreach").asText();
        if (items.isEmpty()) {
            out.append("\nNo items: ").append(Markdown.code(expression)).append(" gave an empty list.\n");
            return;
        }
        out.append("\n**Items** (").append(items.size()).append(" from ").append(Markdown.code(expression)).append("):\n\n")
                .append("| # | Item | Status | Duration | Result |\n| --- | --- | --- | --- | --- |\n");
        List<Optional<StepExecution>> executions = ForEachItems.of(state, forEach);
        for (int i = 0; i < items.size(); i++) {
            Optional<StepExecution> x = executions.get(i);
            out.append("| ").append(i).append(" | ").append(Markdown.cell(shortened(text(items.get(i))))).append(" | ")
                    .append(x.map(e -> StatusSymbols.of(e.status()) + " " + e.status().label()).orElse(StatusSymbols.NOT_RUN + " not started"))
                    .append(" | ").append(x.flatMap(StepExecution::duration).map(Durations::format).orElse(""))
                    .append(" | ").append(Markdown.cell(x.map(e -> shortened(shortResult(redactor, e))).orElse(""))).append(" |\n");
        }
        for (int i = 0; i < items.size(); i++) {
            Optional<StepExecution> x = executions.get(i);
            if (x.isEmpty() || x.get().startedAt().isEmpty()) {
                continue; // not started, or skipped by its condition: the table says so
            }
            out.append("\n<details><summary>Item ").append(i).append(" · ").append(Markdown.inline(shortened(text(items.get(i)))))
                    .append(" · ").append(x.get().status().label()).append("</summary>\n\n");
            StringBuilder item = new StringBuilder();
            details.accept(item, x.get());
            out.append(item.toString().stripLeading()).append("\n</details>\n");
        }
    }

    /** What an item came to in a few words: why it failed or was skipped, its outputs, else the first line of its output. */
    private static String shortResult(Redactor redactor, StepExecution x) {
        if (!x.message().isEmpty()) {
            return redactor.text(x.message());
        }
        if (x.outputs().size() > 0) {
            return redactor.json(x.outputs()).toString();
        }
        JsonNode result = redactor.json(x.result());
        if (result == null || result.isNull()) {
            return "";
        }
        if (result.has("stdout")) {
            String stdout = result.path("stdout").asText().strip();
            return stdout.isEmpty() ? "exit code " + result.path("exitCode").asInt() : stdout.lines().findFirst().orElse("");
        }
        return result.toString();
    }

    private static String text(JsonNode value) {
        return value.isTextual() ? value.textValue() : value.toString();
    }

    private static String shortened(String text) {
        String line = text.replace('\n', ' ').replace('\r', ' ');
        return line.length() > SHORT ? line.substring(0, SHORT - 1) + "…" : line;
    }
}
