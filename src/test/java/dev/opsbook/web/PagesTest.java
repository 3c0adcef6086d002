package dev.opsbook.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsbook.engine.Fixtures;
import dev.opsbook.graph.LoadedRunbook;
import io.quarkus.qute.RawString;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PagesTest {

    private final Pages pages = new Pages();

    private Map<String, Object> common(boolean canLaunch) {
        Map<String, Object> data = new HashMap<>();
        data.put("user", Map.of("name", "<b>ada</b>", "roles", "operator"));
        data.put("csrf", "tok\"en");
        data.put("canLaunch", canLaunch);
        data.put("canApprove", false);
        return data;
    }

    @Test
    void every_value_from_a_runbook_is_escaped_in_the_catalog() throws Exception {
        LoadedRunbook hostile = Fixtures.load("web/hostile.md");
        Map<String, Object> data = common(false);
        data.put("runbooks", List.of(Views.card(hostile)));

        String html = pages.render("catalog", data);

        assertThat(html).contains("Prose that tries &lt;script&gt;document.title=&#39;pwned-title&#39;&lt;/script&gt;")
                .contains("owner team-&lt;b&gt;web&lt;/b&gt;")
                .contains("&lt;b&gt;ada&lt;/b&gt;")
                .contains("value=\"tok&quot;en\"")
                .doesNotContain("<script>");
    }

    @Test
    void the_launch_form_has_one_field_per_parameter_and_a_viewer_gets_none() throws Exception {
        LoadedRunbook hostile = Fixtures.load("web/hostile.md");
        Map<String, Object> data = common(true);
        data.put("rb", Views.card(hostile));
        data.put("form", LaunchForm.of(hostile.runbook()));
        data.put("problems", List.of());
        data.put("plan", null);
        data.put("graph", new RawString(GraphSvg.render(hostile.graph(), Map.of())));
        data.put("runs", List.of());
        data.put("incident", "");
        data.put("incidentError", "");

        String operator = pages.render("runbook", data);
        data.putAll(Map.of("canLaunch", false));
        String viewer = pages.render("runbook", data);

        assertThat(operator).contains("<input type=\"text\" id=\"p-target\" name=\"target\" value=\"\" pattern=\".*(^[a-z]+$).*\" required>")
                .contains("<select id=\"p-mode\" name=\"mode\">")
                .contains("<option value=\"safe\" selected>safe</option>")
                .contains("<input type=\"checkbox\" id=\"p-dryRun\" name=\"dryRun\" value=\"true\">")
                .contains("<input type=\"number\" id=\"p-count\" name=\"count\" step=\"1\" value=\"2\">")
                .contains("<input type=\"password\" id=\"p-token\" name=\"token\" value=\"\" autocomplete=\"off\">")
                .contains("<input type=\"hidden\" name=\"_csrf\" value=\"tok&quot;en\">")
                .contains("formaction=\"/runbooks/hostile/plan\"");
        assertThat(viewer).doesNotContain("<form method=\"post\" action=\"/runbooks/hostile/launch\"").contains("id=\"no-launch\"");
    }
}
