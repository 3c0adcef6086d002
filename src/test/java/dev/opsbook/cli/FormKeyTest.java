package dev.opsbook.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsbook.store.JdbcRunStore;
import dev.opsbook.store.RunStore;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pages' form tokens are signed with the store's key, so a restarted serve, or another on the store, accepts the forms shown before. */
class FormKeyTest {

    @TempDir
    Path dir;

    @Test
    void every_serve_on_one_store_signs_form_tokens_with_the_same_key_across_restarts() {
        String url = JdbcRunStore.embeddedUrl(dir.resolve("store"));
        String first;
        try (RunStore store = JdbcRunStore.open(url, "", "")) {
            first = ServeLaunch.formKey(store);
            assertThat(ServeLaunch.formKey(store)).isEqualTo(first);
        }
        try (RunStore reopened = JdbcRunStore.open(url, "", "")) {
            assertThat(ServeLaunch.formKey(reopened)).as("after a restart").isEqualTo(first);
        }
        assertThat(first.length()).as("rest-csrf's minimum").isGreaterThanOrEqualTo(32);
        try (RunStore other = JdbcRunStore.open(JdbcRunStore.embeddedUrl(dir.resolve("other")), "", "")) {
            assertThat(ServeLaunch.formKey(other)).as("another installation").isNotEqualTo(first);
        }
    }
}
