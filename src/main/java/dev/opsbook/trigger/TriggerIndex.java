package dev.opsbook.trigger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsbook.expression.ExpressionException;
import dev.opsbook.expression.Expressions;
import dev.opsbook.runbook.Parameter;
import dev.opsbook.runbook.ParameterValues;
import dev.opsbook.runbook.Runbook;
import dev.opsbook.runbook.Trigger;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import software.amazon.event.ruler.GenericMachine;

/**
 * Every trigger of a set of runbooks compiled into one event-ruler machine: compile once, match
 * many. Matching time does not grow with the number of triggers.
 *
 * <p>Thread-safety: an index is immutable once {@link #of} returns. Its machine is filled only
 * while it is built and afterwards only read; event-ruler's {@code rulesForJSONEvent} keeps no
 * state between calls, so any number of threads may call {@link #matches}, {@link #runs} and
 * {@link #misses} at once. To take new or changed runbooks in, build a new index and swap the
 * reference (e.g. an {@code AtomicReference<TriggerIndex>}); never change one in use.
 */
public final class TriggerIndex {

    /**
     * A trigger whose pattern matches an event, with the parameters mapped from the event.
     *
     * @param parameters every declared parameter, typed: mapped from the event, else its default, else null
     * @param problems why the mapping failed, one line per parameter, naming the parameter and its JMESPath; empty when it worked
     */
    public record Match(Runbook runbook, Trigger trigger, ObjectNode parameters, List<String> problems) {
        public Match {
            problems = List.copyOf(problems);
        }

        /** The run can start: every parameter has a valid value. */
        public boolean ok() {
            return problems.isEmpty();
        }

        public int triggerIndex() {
            return trigger.index();
        }
    }

    /** A trigger whose pattern does not match an event, and why, field by field. */
    public record Miss(Runbook runbook, Trigger trigger, List<String> reasons) {
        public Miss {
            reasons = List.copyOf(reasons);
        }
    }

    /** A rule's name in the machine: which runbook, which of its triggers. Immutable, as event-ruler asks. */
    private record Key(int runbook, int trigger) {
    }

    private static final Comparator<Key> IN_ORDER = Comparator.comparingInt(Key::runbook).thenComparingInt(Key::trigger);

    private final List<Runbook> runbooks;
    private final GenericMachine<Key> machine;
    private final int triggerCount;

    private TriggerIndex(List<Runbook> runbooks, GenericMachine<Key> machine, int triggerCount) {
        this.runbooks = runbooks;
        this.machine = machine;
        this.triggerCount = triggerCount;
    }

    /**
     * Compiles the triggers of these runbooks, which should have loaded without errors.
     *
     * @throws IllegalArgumentException naming file, line and trigger when event-ruler refuses a pattern
     */
    public static TriggerIndex of(Collection<Runbook> runbooks) {
        List<Runbook> list = List.copyOf(runbooks);
        GenericMachine<Key> machine = new GenericMachine<>();
        int count = 0;
        for (int r = 0; r < list.size(); r++) {
            Runbook runbook = list.get(r);
            for (Trigger trigger : runbook.triggers()) {
                try {
                    machine.addRule(new Key(r, trigger.index()), PatternJson.of(trigger.pattern()).json());
                } catch (IOException | RuntimeException e) {
                    throw new IllegalArgumentException(runbook.file() + ":" + trigger.position() + ": pattern of "
                            + trigger.label() + " is not a valid EventBridge pattern: "
                            + PatternJson.of(trigger.pattern()).problem(String.valueOf(e.getMessage())).message(), e);
                }
                count++;
            }
        }
        return new TriggerIndex(list, machine, count);
    }

    public List<Runbook> runbooks() {
        return runbooks;
    }

    /** How many triggers the index holds. */
    public int triggerCount() {
        return triggerCount;
    }

    public List<Match> matches(EventEnvelope event) {
        return matches(event.raw());
    }

    /**
     * Every trigger whose pattern matches the event, in the order of the runbooks and of their
     * triggers, each with its parameters mapped. A runbook is listed once per matching trigger.
     *
     * @param event a JSON object; an EventBridge event's {@link EventEnvelope#raw()}, or any JSON object
     */
    public List<Match> matches(JsonNode event) {
        requireObject(event);
        List<Key> keys = new ArrayList<>(machine.rulesForJSONEvent(event));
        keys.sort(IN_ORDER);
        List<Match> matches = new ArrayList<>();
        for (Key key : keys) {
            Runbook runbook = runbooks.get(key.runbook());
            matches.add(map(runbook, runbook.triggers().get(key.trigger()), event));
        }
        return matches;
    }

    public List<Match> runs(EventEnvelope event) {
        return runs(event.raw());
    }

    /**
     * The runs an event starts: for each runbook, the first of its triggers (in the order written)
     * that matches and whose parameters map. One event starts a runbook at most once.
     */
    public List<Match> runs(JsonNode event) {
        Set<Runbook> started = Collections.newSetFromMap(new IdentityHashMap<>());
        List<Match> runs = new ArrayList<>();
        for (Match match : matches(event)) {
            if (match.ok() && started.add(match.runbook())) {
                runs.add(match);
            }
        }
        return runs;
    }

    /** Why each trigger that does not match the event does not: which field of its pattern the event fails. */
    public List<Miss> misses(JsonNode event) {
        requireObject(event);
        Set<Key> matched = new HashSet<>(machine.rulesForJSONEvent(event));
        List<Miss> misses = new ArrayList<>();
        for (int r = 0; r < runbooks.size(); r++) {
            Runbook runbook = runbooks.get(r);
            for (Trigger trigger : runbook.triggers()) {
                if (!matched.contains(new Key(r, trigger.index()))) {
                    misses.add(new Miss(runbook, trigger, PatternExplainer.whyNot(trigger.pattern(), event)));
                }
            }
        }
        return misses;
    }

    /**
     * Maps an event to a runbook's parameters as a trigger says: each mapped parameter is its
     * JMESPath over the event, checked and typed like a {@code --param}; a parameter not mapped,
     * or whose expression finds nothing, takes its default (null when optional without one).
     */
    public static Match map(Runbook runbook, Trigger trigger, JsonNode event) {
        ObjectNode values = JsonNodeFactory.instance.objectNode();
        List<String> problems = new ArrayList<>();
        for (Parameter parameter : runbook.parameters()) {
            Optional<Trigger.Mapping> mapping = trigger.mapping(parameter.name());
            String from = mapping.map(m -> " from " + m.expression()).orElse("");
            JsonNode value = null;
            if (mapping.isPresent()) {
                try {
                    value = Expressions.evaluate(mapping.get().expression(), event);
                } catch (ExpressionException e) {
                    problems.add("parameter '" + parameter.name() + "'" + from + ": " + e.getMessage());
                    continue;
                }
            }
            if (value != null && !value.isNull() && !value.isMissingNode()) {
                ParameterValues.Outcome outcome = ParameterValues.check(parameter, value);
                if (outcome instanceof ParameterValues.Valid valid) {
                    values.set(parameter.name(), valid.value());
                } else if (outcome instanceof ParameterValues.Invalid invalid) {
                    problems.add("parameter '" + parameter.name() + "'" + from + ": " + invalid.reason());
                }
            } else if (parameter.defaultValue().isPresent()) {
                values.set(parameter.name(), parameter.defaultValue().get());
            } else if (parameter.required()) {
                problems.add(mapping.isPresent()
                        ? "parameter '" + parameter.name() + "'" + from + ": the expression finds nothing in the event,"
                        + " and the parameter is required and has no default"
                        : "parameter '" + parameter.name() + "' is required, has no default, and " + trigger.label() + " does not map it");
            } else {
                values.putNull(parameter.name());
            }
        }
        return new Match(runbook, trigger, values, problems);
    }

    private static void requireObject(JsonNode event) {
        if (event == null || !event.isObject()) {
            throw new IllegalArgumentException("an event is a JSON object");
        }
    }
}
