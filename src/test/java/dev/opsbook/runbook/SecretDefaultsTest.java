package dev.opsbook.runbook;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsbook.graph.LoadedRunbook;
import dev.opsbook.graph.RunbookLoader;
import dev.opsbook.steps.StandardSteps;
import org.junit.jupiter.api.Test;

/** The runbook text a stored run keeps holds no secret default, and still loads, with the defaults masked. */
class SecretDefaultsTest {

    private static final RunbookLoader LOADER = new RunbookLoader(StandardSteps.all().catalog());

    @Test
    void each_way_of_writing_a_secret_default_is_masked_and_the_text_still_loads() {
        Runbook runbook = LOADER.load("secrets.md", """
                ---
                title: Defaults written every way
                parameters:
                  plain: { type: secret, default: plain-s3cret, description: flow }
                  quoted:
                    type: secret
                    default: "double \\"quoted\\" s3cret"
                  single: { type: secret, default: 'it''s s3cret' }
                  region: { type: string, default: eu-west-1 }
                ---

                ```shell id=use
                echo "$plain $quoted $single"
                ```
                """).runbook();

        String masked = SecretDefaults.masked(runbook);
        LoadedRunbook again = LOADER.load("secrets.md", masked);

        assertThat(masked).doesNotContain("plain-s3cret", "quoted\\\" s3cret", "it''s s3cret").contains("region: { type: string, default: eu-west-1 }");
        assertThat(again.hasErrors()).as(again.errors().toString()).isFalse();
        for (String name : new String[] {"plain", "quoted", "single"}) {
            assertThat(again.runbook().parameter(name).orElseThrow().defaultValue().orElseThrow().asText()).isEqualTo("********");
        }
        assertThat(again.runbook().parameter("region").orElseThrow().defaultValue().orElseThrow().asText()).isEqualTo("eu-west-1");
        assertThat(masked).endsWith(runbook.text().substring(runbook.bodyOffset()));
    }
}
