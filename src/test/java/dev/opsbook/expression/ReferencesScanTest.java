package dev.opsbook.expression;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * References scans an expression in one pass; it finds exactly what the regular expressions it replaced found, over
 * written expressions and over many made of the pieces that make scanning hard (quotes, escapes, spaces, dots).
 */
class ReferencesScanTest {

    private static final Pattern REFERENCE = Pattern.compile(
            "(?<![A-Za-z0-9_.\"])(params|steps|env|run|event)\\s*\\.\\s*(?:\"((?:[^\"\\\\]|\\\\.)*)\"|([A-Za-z_][A-Za-z0-9_]*))");
    private static final Pattern LEADING_NAME = Pattern.compile("^\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*(?![\\s(A-Za-z0-9_])");
    private static final Pattern LEADING_QUOTED_NAME = Pattern.compile("^\\s*(\"((?:[^\"\\\\]|\\\\.)*)\")");

    private static final List<String> WRITTEN = List.of(
            "steps.check.outputs.count > params.min && env.USER == run.startedBy",
            "steps.\"check-disk\".outputs.freeMb", "params.\"my-param\"", "length(params.zones)",
            "[params.a, steps.b.status]", "steps.list.outputs.items[?name == params.wanted]", "params . region",
            "'params.region'", "`\"params.region\"`", "'it\\'s params.region'", "status == 'steps.other failed'",
            "params.stage == 'params.prod'", "param.x", "  foo ", "foo(x)", "foo (x)", "foo bar", "true", "null",
            "\"\\n\"", "  \"quoted\" | x", "\"params\"", "item.name", "events.x", "eventx.y", "myparams.x", "x.params.y",
            "\"a\\\nb\"", "steps.\"unclosed", "env.", "run .id", "event.detail.\"instance-id\"", "foo\u2028(x)",
            "foo\u000B", "", "   ", "steps.s1.outputs.state == 'ok'", "!params.dryRun", "paramsx.y", "envent.x");

    @Test
    void finds_what_the_regular_expressions_found_in_written_expressions() {
        for (String expression : WRITTEN) {
            agree(expression);
        }
    }

    @Test
    void finds_what_the_regular_expressions_found_in_made_up_expressions() {
        String[] pieces = {"params", "steps", "env", "event", "run", "item", "x", "_a1", ".", " ", "  ", "\t", "\n", "\"",
                "'", "`", "\\", "(", ")", "[", "]", "?", "==", ",", "-", "1", "{", "}", "|", "\u2028", "\u00a0", "\r"};
        Random random = new Random(19);
        for (int n = 0; n < 30_000; n++) {
            StringBuilder expression = new StringBuilder();
            int length = 1 + random.nextInt(12);
            for (int i = 0; i < length; i++) {
                expression.append(pieces[random.nextInt(pieces.length)]);
            }
            agree(expression.toString());
        }
    }

    private static void agree(String expression) {
        assertThat(References.in(expression)).as("references in [%s]", expression).isEqualTo(referencesByRegex(expression));
        for (Set<String> more : List.of(Set.<String>of(), Set.of("item", "index"))) {
            assertThat(References.unknownRoot(expression, more)).as("unknown root of [%s]", expression)
                    .isEqualTo(unknownRootByRegex(expression, more));
        }
    }

    private static List<Reference> referencesByRegex(String expression) {
        String scanned = References.blankLiterals(expression);
        List<Reference> references = new ArrayList<>();
        Matcher matcher = REFERENCE.matcher(scanned);
        while (matcher.find()) {
            String name = matcher.group(2) != null ? expression.substring(matcher.start(2), matcher.end(2)) : matcher.group(3);
            references.add(new Reference(matcher.group(1), name, matcher.start()));
        }
        return references;
    }

    private static Optional<String> unknownRootByRegex(String expression, Set<String> more) {
        Matcher quoted = LEADING_QUOTED_NAME.matcher(expression);
        if (quoted.find()) {
            return References.ROOTS.contains(quoted.group(2)) || more.contains(quoted.group(2)) ? Optional.empty() : Optional.of(quoted.group(1));
        }
        String scanned = References.blankLiterals(expression);
        Matcher matcher = LEADING_NAME.matcher(scanned + " ");
        if (!matcher.find()) {
            return Optional.empty();
        }
        String name = matcher.group(1);
        String rest = scanned.substring(matcher.end(1)).stripLeading();
        if (rest.startsWith("(") || References.ROOTS.contains(name) || more.contains(name) || Set.of("true", "false", "null").contains(name)) {
            return Optional.empty();
        }
        return Optional.of(name);
    }
}
