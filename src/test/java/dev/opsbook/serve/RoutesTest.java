package dev.opsbook.serve;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsbook.access.Principal;
import dev.opsbook.access.Role;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The pure parts of serving: route names, who gets a login page, the refusal text, Allow matching. */
class RoutesTest {

    @Test
    void a_route_is_named_by_its_method_and_the_joined_templates_as_the_old_router_named_it() throws Exception {
        assertThat(Routes.action(TestOnlyResource.class, TestOnlyResource.class.getMethod("thing", String.class, String.class)))
                .isEqualTo("GET /test-only/things/{id}");
        assertThat(Routes.action(TestOnlyResource.class, TestOnlyResource.class.getMethod("create", com.fasterxml.jackson.databind.JsonNode.class)))
                .isEqualTo("POST /test-only/things");
        assertThat(Routes.template(path("api/runs/"), path("/{id : [^/]+}/steps/{step}/approve"))).isEqualTo("/api/runs/{id}/steps/{step}/approve");
        assertThat(Routes.template(path("/"), null)).isEqualTo("/");
    }

    private static jakarta.ws.rs.Path path(String value) {
        return new jakarta.ws.rs.Path() {
            @Override
            public String value() {
                return value;
            }

            @Override
            public Class<? extends java.lang.annotation.Annotation> annotationType() {
                return jakarta.ws.rs.Path.class;
            }
        };
    }

    @Test
    void only_a_browser_getting_a_page_outside_the_api_is_sent_to_log_in() {
        assertThat(ProblemMappers.wantsPage("GET", "/runs/1", "text/html,*/*")).isTrue();
        assertThat(ProblemMappers.wantsPage("GET", "/api/runs/1", "text/html")).isFalse();
        assertThat(ProblemMappers.wantsPage("POST", "/runs/1", "text/html")).isFalse();
        assertThat(ProblemMappers.wantsPage("GET", "/runs/1", null)).isFalse();
    }

    @Test
    void a_missing_role_is_explained_with_the_roles_held_and_the_role_needed() {
        Principal vera = new Principal("tok-1", "vera", Set.of(Role.VIEWER, Role.APPROVER));
        assertThat(ProblemMappers.missingRole(vera, "POST /api/runbooks/{id}/runs", Optional.of(Role.OPERATOR)))
                .isEqualTo("token tok-1 (vera) has the role(s) approver, viewer; POST /api/runbooks/{id}/runs needs operator");
    }

    @Test
    void a_parameter_segment_matches_any_one_segment_for_allow() {
        assertThat(RouteIndex.matches(RouteIndex.segments("/api/runs/{id}"), RouteIndex.segments("/api/runs/r-1"))).isTrue();
        assertThat(RouteIndex.matches(RouteIndex.segments("/api/runs/{id}"), RouteIndex.segments("/api/runs/r-1/audit"))).isFalse();
        assertThat(RouteIndex.matches(RouteIndex.segments("/api/runs"), List.of("api", "runs"))).isTrue();
    }

    @Test
    void only_form_bodies_are_left_to_quarkus_rest_csrf() {
        assertThat(AccessFilters.isForm("application/x-www-form-urlencoded; charset=UTF-8")).isTrue();
        assertThat(AccessFilters.isForm("multipart/form-data; boundary=x")).isTrue();
        assertThat(AccessFilters.isForm("application/json")).isFalse();
        assertThat(AccessFilters.isForm(null)).isFalse();
    }
}
