package dev.opsbook.runbook;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code {{ }}} in the body of a kind whose body is a program ({@link StepKindSpec.Trait#PROGRAM}):
 * such a program reads the run's context as variables, so a template pasted into its code is an
 * error, with the variable to read instead ({@code params["host"]} for {@code {{ params.host }}}). Doubled braces
 * that read nothing of the run are Python's own (an f-string's {@code {{}}}) and left to it: a python body is
 * never rendered.
 */
final class ProgramTemplates {

    private static final Pattern TEMPLATE = Pattern.compile("\\{\\{(.*?)(\\}\\}|$)", Pattern.MULTILINE);
    private static final Pattern PATH = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.([A-Za-z_][A-Za-z0-9_-]*|\"[^\"]+\"))*");
    /** What a template reads of the run; {@code {{literal}}} in an f-string or {@code "{{ .Name }}"} reads none of it. */
    private static final Pattern READS_RUN = Pattern.compile("(?<![A-Za-z0-9_.$])(params|steps|event|run|item|index|env)(?![A-Za-z0-9_])"
            + "|^\\s*secret:");
    private static final java.util.Set<String> VARIABLES = java.util.Set.of("params", "steps", "event", "run", "item", "index");

    private ProgramTemplates() {
    }

    static List<ExpressionSites.Problem> problems(Step step) {
        String body = step.body();
        Position origin = new Position(step.position().line() + 1, step.span().indent() + 1);
        List<ExpressionSites.Problem> problems = new ArrayList<>();
        Matcher template = TEMPLATE.matcher(body);
        while (template.find()) {
            String expression = template.group(1).strip();
            if (!READS_RUN.matcher(expression).find()) {
                continue; // Python's own doubled braces
            }
            problems.add(new ExpressionSites.Problem(ExpressionSites.at(body, template.start(), origin), step.kind()
                    + " step takes no {{ }} templates: the run's context is given to it as variables (params, steps, event, run, item,"
                    + " index); write " + instead(expression) + " instead of {{ " + expression + " }}"));
        }
        return problems;
    }

    /** {@code params["host"]} for {@code params.host}; for anything but a plain path, the form to follow. */
    static String instead(String expression) {
        if (VARIABLES.contains(expression)) {
            return expression;
        }
        if (!PATH.matcher(expression).matches() || !expression.contains(".")) {
            return "a variable such as params[\"name\"]";
        }
        String[] parts = expression.split("\\.(?=(?:[^\"]*\"[^\"]*\")*[^\"]*$)");
        StringBuilder python = new StringBuilder(parts[0]);
        for (int i = 1; i < parts.length; i++) {
            String name = parts[i].startsWith("\"") ? parts[i].substring(1, parts[i].length() - 1) : parts[i];
            python.append("[\"").append(name).append("\"]");
        }
        return python.toString();
    }
}
