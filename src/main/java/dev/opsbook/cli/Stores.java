package dev.opsbook.cli;

import dev.opsbook.store.JdbcRunStore;
import dev.opsbook.store.RunStore;
import java.nio.file.Path;
import java.util.Optional;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.eclipse.microprofile.config.Config;

/**
 * The store every command shares: {@code --store}, else the {@code opsbook.store} setting
 * (environment OPSBOOK_STORE), else an embedded H2 file under {@code ./.opsbook/}.
 */
final class Stores {

    private Stores() {
    }

    static String url(String option) {
        if (option != null && !option.isBlank()) {
            return option;
        }
        return setting(Setting.STORE.key()).orElseGet(() -> JdbcRunStore.embeddedUrl(Path.of(".opsbook").toAbsolutePath()));
    }

    /**
     * The default embedded store's file when no store is named and that file does not exist: a
     * command that only reads (audit verify) says so rather than create an empty store.
     */
    static Optional<Path> missingDefault(String option) {
        if ((option != null && !option.isBlank()) || setting(Setting.STORE.key()).isPresent()) {
            return Optional.empty();
        }
        Path file = Path.of(".opsbook").toAbsolutePath().resolve("store.mv.db");
        return java.nio.file.Files.exists(file) ? Optional.empty() : Optional.of(file);
    }

    static RunStore open(String option) {
        String url = url(option);
        return JdbcRunStore.open(url, setting(Setting.STORE_USER.key()).orElse(""), setting(Setting.STORE_PASSWORD.key()).orElse(""));
    }

    /**
     * A setting from system properties, the environment ({@code OPSBOOK_STORE} for {@code opsbook.store}) or
     * {@code config/application.properties} in the working directory, in that order: the sources Quarkus reads for
     * {@code serve}, read the same way by commands that never boot it.
     */
    static Optional<String> setting(String name) {
        try {
            return CONFIG.get().getOptionalValue(name, String.class);
        } catch (RuntimeException e) {
            return Optional.ofNullable(System.getenv(name.toUpperCase(java.util.Locale.ROOT).replace('.', '_')));
        }
    }

    private static final java.util.function.Supplier<Config> CONFIG = new java.util.function.Supplier<>() {
        private volatile Config config;

        @Override
        public Config get() {
            if (config == null) {
                SmallRyeConfigBuilder builder = new SmallRyeConfigBuilder().addDefaultSources();
                Path file = Path.of("config", "application.properties").toAbsolutePath();
                if (java.nio.file.Files.isRegularFile(file)) {
                    try {
                        builder.withSources(new PropertiesConfigSource(file.toUri().toURL(), 260)); // //why: Quarkus's ordinal for it
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
                config = builder.build();
            }
            return config;
        }
    };
}
