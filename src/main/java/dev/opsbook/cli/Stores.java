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

    /**
     * Whether the store is an H2 file that exists already, so that opening it creates nothing (not one in memory, nor under
     * a path H2 reads its own way, such as {@code ~}).
     */
    static boolean isExistingH2File(String option) {
        String url = url(option);
        if (!url.startsWith("jdbc:h2:file:")) {
            return false;
        }
        String path = url.substring("jdbc:h2:file:".length()).split(";", 2)[0];
        return (path.startsWith("/") || path.startsWith("./")) && java.nio.file.Files.isRegularFile(Path.of(path + ".mv.db"));
    }

    static RunStore open(String option) {
        return open(option, JdbcRunStore.DEFAULT_CONNECTIONS);
    }

    /** The store with a pool of at most {@code connections} (serve's, sized to its runs). */
    static RunStore open(String option, int connections) {
        String url = url(option);
        return JdbcRunStore.open(url, setting(Setting.STORE_USER.key()).orElse(""), setting(Setting.STORE_PASSWORD.key()).orElse(""),
                connections);
    }

    /**
     * A setting from system properties, the environment ({@code OPSBOOK_STORE} for {@code opsbook.store}) or
     * {@code config/application.properties} in the working directory, in that order: the sources Quarkus reads for
     * {@code serve}, read the same way by commands that never boot it.
     */
    static Optional<String> setting(String name) {
        if (noSourceCanSet(name)) {
            return Optional.empty();
        }
        try {
            return CONFIG.get().getOptionalValue(name, String.class);
        } catch (RuntimeException e) {
            return Optional.ofNullable(System.getenv(name.toUpperCase(java.util.Locale.ROOT).replace('.', '_')));
        }
    }

    /**
     * Whether no source can hold the {@code opsbook.*} setting {@code name}: no system property or environment variable
     * that names opsbook (a profile's, {@code %dev.opsbook.store} or {@code _DEV_OPSBOOK_STORE}, too) or SmallRye, no {@code config/application.properties} here and no
     * {@code META-INF/microprofile-config.properties} on the class path. //why: building SmallRye Config costs a command
     * tens of milliseconds (a tenth of {@code validate}'s start), and most commands run where nothing is set at all.
     */
    static boolean noSourceCanSet(String name) {
        if (!name.startsWith("opsbook.") || NO_CLASSPATH_SOURCE.get() == Boolean.FALSE
                || java.nio.file.Files.exists(Path.of("config", "application.properties").toAbsolutePath())) {
            return false;
        }
        return System.getProperties().stringPropertyNames().stream().noneMatch(Stores::mayConfigure)
                && System.getenv().keySet().stream().noneMatch(Stores::mayConfigure);
    }

    /** An opsbook setting under any of the names SmallRye reads it by (a profile's too), or SmallRye's own (its config locations). */
    private static boolean mayConfigure(String key) {
        String upper = key.toUpperCase(java.util.Locale.ROOT);
        return upper.contains("OPSBOOK") || upper.contains("SMALLRYE");
    }

    /** The one default source on the class path, looked for once (the class path does not change). */
    private static final java.util.function.Supplier<Boolean> NO_CLASSPATH_SOURCE = new java.util.function.Supplier<>() {
        private volatile Boolean none;

        @Override
        public Boolean get() {
            if (none == null) {
                ClassLoader loader = Thread.currentThread().getContextClassLoader() != null ? Thread.currentThread().getContextClassLoader()
                        : Stores.class.getClassLoader();
                none = loader.getResource("META-INF/microprofile-config.properties") == null;
            }
            return none;
        }
    };

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
