package dev.opsbook.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.DriverManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A store opens whatever drivers DriverManager holds: in a JVM where a Quarkus application (serve,
 * its tests) loaded and registered the database drivers with a class loader of its own, DriverManager
 * hands them to no one else, and opening a store had said "no suitable driver".
 */
class StoreDriverTest {

    @TempDir
    Path dir;

    @Test
    void a_store_opens_when_the_registered_h2_driver_is_not_this_class_loaders() throws Exception {
        org.h2.Driver.unload(); // //why: as if another class loader's copy were the only one registered
        try {
            assertThat(DriverManager.drivers().noneMatch(d -> d.getClass() == org.h2.Driver.class)).isTrue();
            try (RunStore store = JdbcRunStore.open(JdbcRunStore.embeddedUrl(dir.resolve("store")), "", "")) {
                assertThat(store.describe()).contains("H2");
            }
        } finally {
            org.h2.Driver.load();
        }
    }
}
