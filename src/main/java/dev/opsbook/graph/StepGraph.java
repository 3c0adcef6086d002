package dev.opsbook.graph;

import dev.opsbook.runbook.FailurePolicy;
import dev.opsbook.runbook.Runbook;
import dev.opsbook.runbook.Step;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The order in which a runbook's steps may run. A step without {@code needs} runs after the
 * step before it in reading order; {@code needs} names its dependencies instead, which is how
 * branches run in parallel. Steps named as a {@code rollback} or {@code on-failure} target are
 * handlers: outside the normal flow, run only in that role. Immutable.
 */
public final class StepGraph {

    private final Runbook runbook;
    private final List<String> flow;
    private final Map<String, List<String>> dependencies;
    private final Set<String> handlers;

    StepGraph(Runbook runbook, List<String> flow, Map<String, List<String>> dependencies, Set<String> handlers) {
        this.runbook = runbook;
        this.flow = List.copyOf(flow);
        this.dependencies = Map.copyOf(dependencies);
        this.handlers = Set.copyOf(handlers);
    }

    /** Builds the graph without checking it; {@link GraphCheck} reports what is wrong. */
    public static StepGraph of(Runbook runbook) {
        Set<String> handlers = new LinkedHashSet<>();
        for (Step step : runbook.steps()) {
            step.rollback().ifPresent(handlers::add);
            if (step.onFailure() instanceof FailurePolicy.Handler handler) {
                handlers.add(handler.stepId());
            }
        }
        List<String> flow = new ArrayList<>();
        Map<String, List<String>> dependencies = new LinkedHashMap<>();
        String previous = null;
        for (Step step : runbook.steps()) {
            if (handlers.contains(step.id()) || dependencies.containsKey(step.id())) {
                continue;
            }
            flow.add(step.id());
            List<String> needs = step.explicitNeeds().orElse(previous == null ? List.of() : List.of(previous));
            dependencies.put(step.id(), needs);
            previous = step.id();
        }
        return new StepGraph(runbook, flow, dependencies, handlers);
    }

    public Runbook runbook() {
        return runbook;
    }

    /** Steps of the normal flow, in reading order. */
    public List<String> flow() {
        return flow;
    }

    public List<String> dependenciesOf(String stepId) {
        return dependencies.getOrDefault(stepId, List.of());
    }

    public boolean isHandler(String stepId) {
        return handlers.contains(stepId);
    }

    public Set<String> handlers() {
        return handlers;
    }

    public Step step(String id) {
        return runbook.step(id).orElseThrow(() -> new IllegalArgumentException("no step " + id));
    }

    public List<String> dependents(String stepId) {
        return flow.stream().filter(id -> dependenciesOf(id).contains(stepId)).toList();
    }

    /** Every step that is certain to have finished before {@code stepId} starts. */
    public Set<String> ancestors(String stepId) {
        Set<String> seen = new LinkedHashSet<>();
        Deque<String> queue = new ArrayDeque<>(dependenciesOf(stepId));
        while (!queue.isEmpty()) {
            String next = queue.pop();
            if (seen.add(next)) {
                queue.addAll(dependenciesOf(next));
            }
        }
        return seen;
    }

    /** Whether {@code candidate} is one of {@link #ancestors(String) the ancestors} of {@code stepId}. */
    public boolean isAncestor(String candidate, String stepId) {
        //why: stops at the first path found: a step mostly reads one just before it, and the whole set of a long chain's
        // ancestors for every step that reads another made the checks quadratic
        Set<String> seen = new java.util.HashSet<>();
        Deque<String> queue = new ArrayDeque<>(dependenciesOf(stepId));
        while (!queue.isEmpty()) {
            String next = queue.pop();
            if (next.equals(candidate)) {
                return true;
            }
            if (seen.add(next)) {
                queue.addAll(dependenciesOf(next));
            }
        }
        return false;
    }

    /** Steps whose rollback or on-failure names {@code handlerId}. */
    public List<String> ownersOf(String handlerId) {
        return runbook.steps().stream()
                .filter(s -> s.rollback().filter(handlerId::equals).isPresent()
                        || (s.onFailure() instanceof FailurePolicy.Handler h && h.stepId().equals(handlerId)))
                .map(Step::id)
                .toList();
    }

    /** A cycle in the normal flow, as the list of steps around it, if there is one. */
    public Optional<List<String>> cycle() {
        Map<String, Integer> state = new LinkedHashMap<>();
        for (String id : flow) {
            Deque<String> path = new ArrayDeque<>();
            Optional<List<String>> found = visit(id, state, path);
            if (found.isPresent()) {
                return found;
            }
        }
        return Optional.empty();
    }

    private Optional<List<String>> visit(String id, Map<String, Integer> state, Deque<String> path) {
        Integer mark = state.get(id);
        if (mark != null && mark == 2) {
            return Optional.empty();
        }
        if (mark != null && mark == 1) {
            List<String> cycle = new ArrayList<>();
            boolean inCycle = false;
            for (var it = path.descendingIterator(); it.hasNext(); ) {
                String node = it.next();
                inCycle |= node.equals(id);
                if (inCycle) {
                    cycle.add(node);
                }
            }
            cycle.add(id);
            return Optional.of(cycle);
        }
        if (!dependencies.containsKey(id)) {
            return Optional.empty();
        }
        state.put(id, 1);
        path.push(id);
        for (String dependency : dependenciesOf(id)) {
            Optional<List<String>> found = visit(dependency, state, path);
            if (found.isPresent()) {
                return found;
            }
        }
        path.pop();
        state.put(id, 2);
        return Optional.empty();
    }
}
