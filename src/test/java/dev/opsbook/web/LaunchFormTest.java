package dev.opsbook.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsbook.engine.Fixtures;
import dev.opsbook.runbook.Runbook;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LaunchFormTest {

    private final Runbook runbook = loaded();

    private static Runbook loaded() {
        try {
            return Fixtures.load("web/hostile.md").runbook();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private LaunchForm.Field field(LaunchForm form, String name) {
        return form.fields().stream().filter(f -> f.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void each_parameter_type_gets_its_input() {
        LaunchForm form = LaunchForm.of(runbook);

        assertThat(field(form, "target").input()).isEqualTo("text");
        assertThat(field(form, "target").required()).isTrue();
        assertThat(field(form, "target").pattern()).isEqualTo(".*(^[a-z]+$).*");
        assertThat(field(form, "mode").input()).isEqualTo("select");
        assertThat(field(form, "mode").options()).extracting(LaunchForm.Option::value).containsExactly("safe", "fast");
        assertThat(field(form, "mode").options().get(0).selected()).isTrue();
        assertThat(field(form, "dryRun").input()).isEqualTo("checkbox");
        assertThat(field(form, "count").input()).isEqualTo("number");
        assertThat(field(form, "count").value()).isEqualTo("2");
        assertThat(field(form, "token").input()).isEqualTo("password");
    }

    @Test
    void the_server_checks_again_and_says_which_field_is_wrong() {
        LaunchForm form = LaunchForm.submitted(runbook, Map.of("target", "Not-Lower", "mode", "slow", "count", "two"));

        assertThat(form.valid()).isFalse();
        assertThat(field(form, "target").error()).contains("does not match pattern '^[a-z]+$'");
        assertThat(field(form, "mode").error()).contains("is not one of: safe, fast");
        assertThat(field(form, "count").error()).contains("is not an integer");
        assertThat(field(form, "dryRun").hasError()).isFalse();
        assertThat(field(form, "target").value()).isEqualTo("Not-Lower");
    }

    @Test
    void a_missing_required_value_is_an_error_and_empty_optional_ones_take_their_defaults() {
        LaunchForm form = LaunchForm.submitted(runbook, Map.of("mode", "", "count", ""));

        assertThat(field(form, "target").error()).startsWith("required");
        assertThat(field(form, "mode").hasError()).isFalse();
        assertThat(LaunchForm.parameters(runbook, Map.of("target", "abc", "mode", "", "dryRun", "true")))
                .containsExactly(Map.entry("target", "abc"), Map.entry("dryRun", "true"));
        assertThat(LaunchForm.parameters(runbook, Map.of("target", "abc"))).containsEntry("dryRun", "false");
    }

    @Test
    void a_secret_is_never_sent_back_to_the_browser() {
        LaunchForm form = LaunchForm.submitted(runbook, Map.of("token", "s3cret-value"));

        assertThat(field(form, "token").value()).isEmpty();
    }

    @Test
    void a_secrets_default_is_not_filled_in_and_its_hint_says_there_is_one() {
        Runbook withDefault = new dev.opsbook.graph.RunbookLoader(dev.opsbook.steps.StandardSteps.all().catalog()).load("secret.md", """
                ---
                title: A secret with a default
                parameters:
                  token: { type: secret, default: s3cret-default }
                  region: { type: string, default: eu-west-1 }
                ---
                """).runbook();

        LaunchForm form = LaunchForm.of(withDefault);

        assertThat(field(form, "token").value()).isEmpty();
        assertThat(field(form, "token").required()).isFalse();
        assertThat(field(form, "token").hint()).contains("has a default, not shown: leave empty to use it");
        assertThat(field(form, "region").value()).isEqualTo("eu-west-1");
        assertThat(field(form, "region").hint()).doesNotContain("has a default");
        assertThat(LaunchForm.parameters(withDefault, Map.of("token", ""))).doesNotContainKey("token");
    }
}
