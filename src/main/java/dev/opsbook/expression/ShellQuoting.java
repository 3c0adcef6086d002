package dev.opsbook.expression;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * Where each template of a bash script stands, as bash will read it, and the variable reference
 * that stands for its value there: {@code "${V}"} bare, {@code ${V}} inside double quotes or an
 * unquoted here-document, {@code '"${V}"'} inside single quotes. A small lexer of quotes
 * ({@code '...'}, {@code "..."}, {@code $'...'}), backslashes, comments, {@code $(...)},
 * backticks, arithmetic and here-documents. Pure and thread-safe.
 *
 * //why: a misreading can only cost a value its quoting (word splitting) or its expansion (the
 * variable's name is printed), never turn it into code: bash does not parse a variable's value
 * again, except in arithmetic, which is why that context takes integers only.
 */
public final class ShellQuoting {

    /** Where a template stands. The last three cannot take a value; {@link #problem} says why. */
    public enum Context {
        BARE, DOUBLE_QUOTED, SINGLE_QUOTED, ANSI_C_QUOTED, HERE_DOCUMENT, COMMENT, ARITHMETIC,
        QUOTED_HERE_DOCUMENT, AFTER_BACKSLASH, AFTER_DOLLAR;

        public boolean takesValue() {
            return problem(this).isEmpty();
        }
    }

    private static final char MARK = '\u0000';

    private ShellQuoting() {
    }

    /** The context of each of the template's expressions and secret references, in order. */
    public static List<Context> contexts(Template script) {
        StringBuilder text = new StringBuilder();
        for (Template.Part part : script.parts()) {
            text.append(part instanceof Template.Text t ? t.text().replace(MARK, ' ') : String.valueOf(MARK));
        }
        return new Lexer(text.toString()).run();
    }

    /** A template bash would not expand where it stands: where its expression starts in the script, and why. */
    public record Problem(int offset, String message) {
    }

    /** Every template of the script that cannot take a value where it stands. */
    public static List<Problem> problems(Template script) {
        List<Context> contexts = contexts(script);
        List<Problem> problems = new ArrayList<>();
        int n = 0;
        for (Template.Part part : script.parts()) {
            if (part instanceof Template.Text) {
                continue;
            }
            int offset = part instanceof Template.Expr expr ? expr.offset() : ((Template.SecretRef) part).offset();
            problem(contexts.get(n++)).ifPresent(message -> problems.add(new Problem(offset, message)));
        }
        return problems;
    }

    /** What to write in place of a template so that bash expands {@code variable} there as one value. */
    public static String reference(String variable, Context context) {
        String expansion = "${" + variable + "}";
        return switch (context) {
            case BARE -> '"' + expansion + '"';
            case DOUBLE_QUOTED, HERE_DOCUMENT, COMMENT, ARITHMETIC -> expansion;
            case SINGLE_QUOTED -> "'\"" + expansion + "\"'";
            case ANSI_C_QUOTED -> "'\"" + expansion + "\"$'";
            default -> throw new IllegalArgumentException(problem(context).orElseThrow());
        };
    }

    /** Why a template cannot stand in {@code context}, and what to write instead. */
    public static Optional<String> problem(Context context) {
        return Optional.ofNullable(switch (context) {
            case QUOTED_HERE_DOCUMENT -> "a template in a quoted here-document (<<'EOF') is never expanded by bash;"
                    + " write the here-document unquoted (<<EOF, with other $ and ` written \\$ and \\`)";
            case AFTER_BACKSLASH -> "a backslash right before a template would stop bash from expanding it; remove the backslash";
            case AFTER_DOLLAR -> "'${{' reads as a '$' followed by a template; write the template alone ({{ ... }}),"
                    + " or '\\$' before it for a literal dollar sign";
            default -> null;
        });
    }

    private enum Frame { COMMAND, SUBSTITUTION, BACKTICK, DOUBLE, SINGLE, ANSI_C, ARITHMETIC, HERE_DOCUMENT, QUOTED_HERE_DOCUMENT }

    private static final class Open {
        final Frame frame;
        final String delimiter;
        final boolean stripTabs;
        int depth;

        Open(Frame frame, String delimiter, boolean stripTabs) {
            this.frame = frame;
            this.delimiter = delimiter;
            this.stripTabs = stripTabs;
        }
    }

    private static final class Lexer {
        private final String s;
        private final Deque<Open> open = new ArrayDeque<>();
        private final List<Open> pending = new ArrayList<>();
        private final List<Context> contexts = new ArrayList<>();
        private int i;
        private boolean wordStart = true;

        Lexer(String s) {
            this.s = s;
        }

        List<Context> run() {
            open.push(new Open(Frame.COMMAND, null, false));
            while (i < s.length()) {
                switch (open.peek().frame) {
                    case SINGLE -> single();
                    case DOUBLE -> doubleQuoted();
                    case ANSI_C -> ansiC();
                    case ARITHMETIC -> arithmetic();
                    case HERE_DOCUMENT, QUOTED_HERE_DOCUMENT -> hereDocument();
                    default -> command();
                }
            }
            return contexts;
        }

        private char at(int index) {
            return index < s.length() ? s.charAt(index) : '\n';
        }

        private void template(Context context) {
            boolean arithmetic = open.stream().anyMatch(o -> o.frame == Frame.ARITHMETIC);
            contexts.add(arithmetic && context.takesValue() ? Context.ARITHMETIC : context);
            i++;
        }

        private void push(Frame frame, int skip) {
            open.push(new Open(frame, null, false));
            i += skip;
        }

        private void pop(int skip) {
            open.pop();
            i += skip;
            wordStart = false;
        }

        private void command() {
            char c = s.charAt(i);
            boolean startOfWord = wordStart;
            wordStart = false;
            if (c == MARK) {
                template(Context.BARE);
            } else if (c == '\\') {
                backslash();
            } else if (c == '\'') {
                push(Frame.SINGLE, 1);
            } else if (c == '"') {
                push(Frame.DOUBLE, 1);
            } else if (c == '`') {
                if (open.peek().frame == Frame.BACKTICK) {
                    pop(1);
                } else {
                    push(Frame.BACKTICK, 1);
                    wordStart = true;
                }
            } else if (c == '$') {
                dollar(true);
            } else if (c == '#' && startOfWord) {
                comment();
            } else if (c == '(' && startOfWord && at(i + 1) == '(') {
                push(Frame.ARITHMETIC, 2);
            } else if (c == ')' && open.peek().frame == Frame.SUBSTITUTION && open.peek().depth == 0) {
                pop(1);
            } else if (s.startsWith("<<<", i)) {
                i += 3;
                wordStart = true;
            } else if (s.startsWith("<<", i)) {
                hereDocumentOperator();
            } else if (c == '\n') {
                i++;
                wordStart = true;
                startHereDocuments();
            } else {
                if (open.peek().frame == Frame.SUBSTITUTION) {
                    open.peek().depth += c == '(' ? 1 : c == ')' ? -1 : 0;
                }
                wordStart = " \t;&|()<>".indexOf(c) >= 0;
                i++;
            }
        }

        private void backslash() {
            if (at(i + 1) == MARK) {
                i++;
                template(Context.AFTER_BACKSLASH);
            } else {
                i += 2;
            }
        }

        /** {@code $(...)}, {@code $((...))}, and in commands {@code $'...'} and {@code $"..."}. */
        private void dollar(boolean inCommand) {
            char next = at(i + 1);
            if (next == MARK) {
                i++;
                template(Context.AFTER_DOLLAR);
            } else if (s.startsWith("$((", i)) {
                push(Frame.ARITHMETIC, 3);
            } else if (next == '(') {
                push(Frame.SUBSTITUTION, 2);
                wordStart = true;
            } else if (inCommand && next == '\'') {
                push(Frame.ANSI_C, 2);
            } else if (inCommand && next == '"') {
                push(Frame.DOUBLE, 2);
            } else {
                i += next == '$' ? 2 : 1;
            }
        }

        private void comment() {
            while (i < s.length() && s.charAt(i) != '\n') {
                if (s.charAt(i) == MARK) {
                    template(Context.COMMENT);
                } else {
                    i++;
                }
            }
        }

        /** {@code <<WORD} or {@code <<-WORD}: the body starts on the next line; any quoting in WORD makes it literal. */
        private void hereDocumentOperator() {
            i += 2;
            boolean stripTabs = at(i) == '-';
            if (stripTabs) {
                i++;
            }
            while (at(i) == ' ' || at(i) == '\t') {
                i++;
            }
            StringBuilder word = new StringBuilder();
            boolean quoted = false;
            while (i < s.length() && " \t\n;&|<>()".indexOf(s.charAt(i)) < 0) {
                char c = s.charAt(i);
                if (c == '\'' || c == '"') {
                    quoted = true;
                    int close = s.indexOf(c, i + 1);
                    close = close < 0 ? s.length() : close;
                    word.append(s, i + 1, close);
                    i = close + 1;
                } else if (c == '\\') {
                    quoted = true;
                    if (i + 1 < s.length()) {
                        word.append(s.charAt(i + 1));
                    }
                    i += 2;
                } else {
                    word.append(c);
                    i++;
                }
            }
            pending.add(new Open(quoted ? Frame.QUOTED_HERE_DOCUMENT : Frame.HERE_DOCUMENT, word.toString(), stripTabs));
        }

        /** At the end of a line: the here-documents it opened follow, the first on top. */
        private void startHereDocuments() {
            for (int k = pending.size() - 1; k >= 0; k--) {
                open.push(pending.get(k));
            }
            pending.clear();
        }

        private void hereDocument() {
            Open doc = open.peek();
            if (i == 0 || s.charAt(i - 1) == '\n') {
                int end = s.indexOf('\n', i);
                end = end < 0 ? s.length() : end;
                String line = s.substring(i, end);
                if ((doc.stripTabs ? line.replaceFirst("^\t+", "") : line).equals(doc.delimiter)) {
                    open.pop();
                    i = Math.min(end + 1, s.length());
                    return;
                }
            }
            char c = s.charAt(i);
            if (doc.frame == Frame.QUOTED_HERE_DOCUMENT) {
                if (c == MARK) {
                    template(Context.QUOTED_HERE_DOCUMENT);
                } else {
                    i++;
                }
            } else if (c == MARK) {
                template(Context.HERE_DOCUMENT);
            } else if (c == '\\') {
                backslash();
            } else if (c == '$') {
                dollar(false);
            } else if (c == '`') {
                push(Frame.BACKTICK, 1);
                wordStart = true;
            } else {
                i++;
            }
        }

        private void doubleQuoted() {
            char c = s.charAt(i);
            if (c == MARK) {
                template(Context.DOUBLE_QUOTED);
            } else if (c == '\\') {
                backslash();
            } else if (c == '"') {
                pop(1);
            } else if (c == '`') {
                push(Frame.BACKTICK, 1);
                wordStart = true;
            } else if (c == '$') {
                dollar(false);
            } else {
                i++;
            }
        }

        private void single() {
            char c = s.charAt(i);
            if (c == MARK) {
                template(Context.SINGLE_QUOTED);
            } else if (c == '\'') {
                pop(1);
            } else {
                i++;
            }
        }

        private void ansiC() {
            char c = s.charAt(i);
            if (c == MARK) {
                template(Context.ANSI_C_QUOTED);
            } else if (c == '\\') {
                backslash();
            } else if (c == '\'') {
                pop(1);
            } else {
                i++;
            }
        }

        private void arithmetic() {
            Open arithmetic = open.peek();
            char c = s.charAt(i);
            if (c == MARK) {
                template(Context.ARITHMETIC);
            } else if (c == '(') {
                arithmetic.depth++;
                i++;
            } else if (c == ')' && arithmetic.depth == 0 && at(i + 1) == ')') {
                pop(2);
            } else if (c == ')') {
                arithmetic.depth--;
                i++;
            } else if (c == '$') {
                dollar(false);
            } else if (c == '"') {
                push(Frame.DOUBLE, 1);
            } else if (c == '`') {
                push(Frame.BACKTICK, 1);
            } else {
                i++;
            }
        }
    }
}
