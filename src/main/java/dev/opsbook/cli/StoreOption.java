package dev.opsbook.cli;

import dev.opsbook.store.RunStore;
import picocli.CommandLine.Option;

/** The {@code --store} option every command that reads or writes runs shares. */
final class StoreOption {

    @Option(names = "--store", paramLabel = "JDBC_URL", description = "The run store (default: opsbook.store, else an H2 file in ./.opsbook).")
    String url;

    RunStore open() {
        return Stores.open(url);
    }

    /** The store with a pool of at most {@code connections} (serve's, sized to its runs). */
    RunStore open(int connections) {
        return Stores.open(url, connections);
    }

    /**
     * Tells, on stderr, that the default store does not exist here, for a command about runs already kept (it would
     * otherwise open an empty store, and leave it behind).
     *
     * @return whether it is missing; the command then exits with 2
     */
    boolean missingTold() {
        java.util.Optional<java.nio.file.Path> missing = Stores.missingDefault(url);
        missing.ifPresent(file -> System.err.println("error: no store: " + file + " does not exist here; name one with --store"));
        return missing.isPresent();
    }
}
