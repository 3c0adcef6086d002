package dev.opsbook.engine;

import dev.opsbook.runbook.StepKindCatalog;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** The step kinds a build can run, by name. */
public final class StepExecutors {
    private final Map<String, StepExecutor> byName = new LinkedHashMap<>();

    public StepExecutors(Collection<StepExecutor> executors) {
        executors.forEach(e -> byName.put(e.spec().name(), e));
    }

    /** Every executor, for a host that wraps them (a rehearsal simulates some kinds). */
    public Collection<StepExecutor> all() {
        return java.util.List.copyOf(byName.values());
    }

    public Optional<StepExecutor> find(String kind) {
        return Optional.ofNullable(byName.get(kind));
    }

    public StepKindCatalog catalog() {
        return StepKindCatalog.of(byName.values().stream().map(StepExecutor::spec).toList());
    }
}
