package dev.opsbook.runbook;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The step kinds a parser recognises, by user-facing name. Immutable. */
public final class StepKindCatalog {

    /** Kinds the format reserves for later; a block of such a kind is a step, reported as unavailable. */
    public static final List<String> RESERVED = List.of("aws", "wait", "notify", "runbook");

    private final Map<String, StepKindSpec> kinds;

    private StepKindCatalog(Map<String, StepKindSpec> kinds) {
        this.kinds = kinds;
    }

    public static StepKindCatalog of(Collection<StepKindSpec> specs) {
        Map<String, StepKindSpec> kinds = new LinkedHashMap<>();
        for (StepKindSpec spec : specs) {
            kinds.put(spec.name(), spec);
        }
        for (String name : RESERVED) {
            kinds.putIfAbsent(name, StepKindSpec.reserved(name));
        }
        return new StepKindCatalog(Map.copyOf(kinds));
    }

    public Optional<StepKindSpec> find(String name) {
        return Optional.ofNullable(kinds.get(name));
    }

    public Collection<String> names() {
        return kinds.keySet().stream().sorted().toList();
    }
}
