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
}
