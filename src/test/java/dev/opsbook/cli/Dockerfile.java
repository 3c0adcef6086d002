package dev.opsbook.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * docker/Dockerfile read as Docker reads it, as far as the tests need: instructions (continuation lines joined,
 * comments dropped) grouped into stages. //why: no maintained Java library parses Dockerfiles; the syntax needed here
 * (one instruction per logical line, {@code \} continuations, {@code #} comments) is small.
 */
record Dockerfile(List<Stage> stages, String text) {

    record Instruction(String keyword, String arguments, int line) {
        /** The arguments of an exec-form instruction (["a", "b"]), or of a shell-form one split on white space. */
        List<String> words() {
            String args = arguments.strip();
            if (args.startsWith("[")) {
                List<String> words = new ArrayList<>();
                Matcher quoted = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(args);
                while (quoted.find()) {
                    words.add(quoted.group(1));
                }
                return words;
            }
            return List.of(args.split("\\s+"));
        }
    }

    record Stage(String image, Optional<String> name, List<Instruction> instructions) {
        List<Instruction> all(String keyword) {
            return instructions.stream().filter(i -> i.keyword().equals(keyword)).toList();
        }

        Optional<Instruction> last(String keyword) {
            List<Instruction> found = all(keyword);
            return found.isEmpty() ? Optional.empty() : Optional.of(found.get(found.size() - 1));
        }

        /** ENV KEY=VALUE ... (values unquoted) of this stage. */
        Map<String, String> environment() {
            Map<String, String> env = new LinkedHashMap<>();
            for (Instruction instruction : all("ENV")) {
                Matcher pair = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)=(\"[^\"]*\"|\\S+)").matcher(instruction.arguments());
                while (pair.find()) {
                    env.put(pair.group(1), pair.group(2).replace("\"", ""));
                }
            }
            return env;
        }
    }

    static Dockerfile read(Path file) throws IOException {
        String text = Files.readString(file);
        List<Stage> stages = new ArrayList<>();
        List<Instruction> current = null;
        StringBuilder logical = new StringBuilder();
        int start = 0;
        String[] lines = text.split("\n", -1);
        for (int n = 0; n < lines.length; n++) {
            String line = lines[n];
            if (line.strip().startsWith("#") || (logical.length() == 0 && line.isBlank())) {
                continue;
            }
            if (logical.length() == 0) {
                start = n + 1;
            }
            boolean continued = line.stripTrailing().endsWith("\\");
            logical.append(continued ? line.stripTrailing().substring(0, line.stripTrailing().length() - 1) : line).append(' ');
            if (continued) {
                continue;
            }
            String instruction = logical.toString().strip();
            logical.setLength(0);
            String keyword = instruction.split("\\s+", 2)[0].toUpperCase(Locale.ROOT);
            String arguments = instruction.contains(" ") ? instruction.substring(instruction.indexOf(' ') + 1).strip() : "";
            if (keyword.equals("FROM")) {
                String[] words = arguments.split("\\s+");
                current = new ArrayList<>();
                stages.add(new Stage(words[0], words.length >= 3 && words[1].equalsIgnoreCase("AS") ? Optional.of(words[2]) : Optional.empty(),
                        current));
            } else if (current == null) {
                throw new IllegalStateException(file + ":" + start + ": " + keyword + " before any FROM");
            } else {
                current.add(new Instruction(keyword, arguments, start));
            }
        }
        return new Dockerfile(List.copyOf(stages), text);
    }

    Stage last() {
        return stages.get(stages.size() - 1);
    }
}
