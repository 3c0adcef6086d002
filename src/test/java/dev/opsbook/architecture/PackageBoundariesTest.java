package dev.opsbook.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

/** Data flows one way: document → model → graph → engine → steps → record → cli. */
// //why: plain JUnit tests calling check(): ArchUnit's JUnit 5 engine is not discovered on the JUnit 6 platform Quarkus brings.
class PackageBoundariesTest {

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.opsbook");

    private static final String[] FRAMEWORKS = {"io.quarkus..", "jakarta..", "picocli..", "software.amazon..", "io.smallrye..", "io.vertx.."};

    private static final ArchRule the_core_knows_no_framework = noClasses()
            .that().resideInAnyPackage("dev.opsbook.runbook..", "dev.opsbook.expression..", "dev.opsbook.graph..", "dev.opsbook.engine..")
            .should().dependOnClassesThat().resideInAnyPackage(FRAMEWORKS);

    private static final ArchRule the_model_knows_nothing_above_it = noClasses()
            .that().resideInAnyPackage("dev.opsbook.runbook..", "dev.opsbook.expression..")
            .should().dependOnClassesThat().resideInAnyPackage(
                    "dev.opsbook.graph..", "dev.opsbook.engine..", "dev.opsbook.steps..", "dev.opsbook.record..", "dev.opsbook.cli..");

    private static final ArchRule expressions_are_a_leaf = noClasses()
            .that().resideInAPackage("dev.opsbook.expression..")
            .should().dependOnClassesThat().resideInAPackage("dev.opsbook.runbook..");

    private static final ArchRule the_graph_does_not_run_anything = noClasses()
            .that().resideInAPackage("dev.opsbook.graph..")
            .should().dependOnClassesThat().resideInAnyPackage(
                    "dev.opsbook.engine..", "dev.opsbook.steps..", "dev.opsbook.record..", "dev.opsbook.cli..");

    private static final ArchRule the_engine_does_not_know_step_kinds_records_or_the_cli = noClasses()
            .that().resideInAPackage("dev.opsbook.engine..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.opsbook.steps..", "dev.opsbook.record..", "dev.opsbook.cli..",
                    "dev.opsbook.aws..", "dev.opsbook.audit..");

    private static final ArchRule aws_and_audit_know_nothing_of_steps_records_or_the_cli = noClasses()
            .that().resideInAnyPackage("dev.opsbook.aws..", "dev.opsbook.audit..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.opsbook.steps..", "dev.opsbook.record..", "dev.opsbook.cli..");

    private static final ArchRule the_audit_does_not_call_aws = noClasses()
            .that().resideInAPackage("dev.opsbook.audit..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.opsbook.aws..", "software.amazon..");

    private static final ArchRule step_kinds_and_records_do_not_know_the_cli = noClasses()
            .that().resideInAnyPackage("dev.opsbook.steps..", "dev.opsbook.record..")
            .should().dependOnClassesThat().resideInAPackage("dev.opsbook.cli..");

    private static final ArchRule triggers_know_nothing_of_step_kinds_records_or_the_cli = noClasses()
            .that().resideInAPackage("dev.opsbook.trigger..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.opsbook.steps..", "dev.opsbook.record..", "dev.opsbook.cli..");

    private static final ArchRule the_store_keeps_runs_and_knows_nothing_that_uses_it = noClasses()
            .that().resideInAPackage("dev.opsbook.store..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.opsbook.steps..", "dev.opsbook.record..", "dev.opsbook.cli..",
                    "dev.opsbook.service..", "dev.opsbook.aws..", "dev.opsbook.trigger..", "software.amazon..");

    private static final ArchRule nothing_below_the_cli_knows_the_service = noClasses()
            .that().resideInAnyPackage("dev.opsbook.runbook..", "dev.opsbook.expression..", "dev.opsbook.graph..", "dev.opsbook.engine..",
                    "dev.opsbook.steps..", "dev.opsbook.aws..", "dev.opsbook.audit..", "dev.opsbook.record..", "dev.opsbook.store..",
                    "dev.opsbook.trigger..", "dev.opsbook.access..", "dev.opsbook.http..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.opsbook.service..", "dev.opsbook.cli..");

    private static final ArchRule only_the_trigger_package_knows_event_ruler = noClasses()
            .that().resideOutsideOfPackage("dev.opsbook.trigger..")
            .should().dependOnClassesThat().resideInAPackage("software.amazon.event.ruler..");

    // //why: Quarkus finds the pages' and the API's resources itself; nothing calls them
    private static final ArchRule nothing_but_the_cli_knows_the_web_pages = noClasses()
            .that().resideOutsideOfPackages("dev.opsbook.web..", "dev.opsbook.cli..")
            .should().dependOnClassesThat().resideInAPackage("dev.opsbook.web..");

    private static final String[] QUARKUS_SERVING = {"io.vertx..", "io.quarkus.vertx..", "jakarta.ws.rs..", "io.quarkus.security..",
            "io.quarkus.smallrye.health..", "org.eclipse.microprofile.health..", "org.eclipse.microprofile.reactive.messaging..",
            "org.jboss.resteasy.reactive..", "com.sun.net.httpserver.."};

    // //why: serve's HTTP, messaging and health are Quarkus's; the service under them runs runs and listens on nothing, so two of
    // them can live in one JVM (takeover tests, benchmarks) and commands that never boot Quarkus can use them
    private static final ArchRule only_serve_the_api_the_pages_and_http_know_quarkus_serving = noClasses()
            .that().resideOutsideOfPackages("dev.opsbook.serve..", "dev.opsbook.api..", "dev.opsbook.web..", "dev.opsbook.http..",
                    "dev.opsbook.cli..")
            .should().dependOnClassesThat().resideInAnyPackage(QUARKUS_SERVING);

    private static final ArchRule nothing_below_serve_knows_it = noClasses()
            .that().resideOutsideOfPackages("dev.opsbook.serve..", "dev.opsbook.api..", "dev.opsbook.web..", "dev.opsbook.cli..")
            .should().dependOnClassesThat().resideInAPackage("dev.opsbook.serve..");

    // //why: the JDK's HttpServer was the hand-made layer this project left for Quarkus's
    private static final ArchRule no_server_of_our_own = noClasses()
            .should().dependOnClassesThat().resideInAPackage("com.sun.net.httpserver..");

    @Test
    void only_serve_the_api_the_pages_and_http_know_quarkus_serving() {
        only_serve_the_api_the_pages_and_http_know_quarkus_serving.check(CLASSES);
    }

    @Test
    void nothing_below_serve_knows_it() {
        nothing_below_serve_knows_it.check(CLASSES);
    }

    @Test
    void no_server_of_our_own() {
        no_server_of_our_own.check(CLASSES);
    }

    private static final ArchRule only_the_web_pages_know_qute = noClasses()
            .that().resideOutsideOfPackage("dev.opsbook.web..")
            .should().dependOnClassesThat().resideInAPackage("io.quarkus.qute..");

    @Test
    void nothing_but_the_cli_knows_the_web_pages() {
        nothing_but_the_cli_knows_the_web_pages.check(CLASSES);
    }

    @Test
    void only_the_web_pages_know_qute() {
        only_the_web_pages_know_qute.check(CLASSES);
    }

    private static final ArchRule access_and_http_know_nothing_of_runs = noClasses()
            .that().resideInAnyPackage("dev.opsbook.access..", "dev.opsbook.http..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.opsbook.runbook..", "dev.opsbook.graph..", "dev.opsbook.engine..",
                    "dev.opsbook.steps..", "dev.opsbook.record..", "dev.opsbook.store..", "dev.opsbook.service..", "dev.opsbook.api..",
                    "dev.opsbook.cli..", "dev.opsbook.aws..", "software.amazon..");

    private static final ArchRule the_api_is_thin_over_the_service = noClasses()
            .that().resideInAPackage("dev.opsbook.api..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.opsbook.cli..", "dev.opsbook.steps..", "dev.opsbook.aws..",
                    "software.amazon..", "com.sun.net.httpserver..");

    private static final ArchRule nothing_but_the_cli_knows_the_api = noClasses()
            .that().resideOutsideOfPackages("dev.opsbook.api..", "dev.opsbook.cli..")
            .should().dependOnClassesThat().resideInAPackage("dev.opsbook.api..");

    // //why: the API and the pages read runs through the service's application services (RunQueries, RunOperations), so the
    // store can change shape behind them, and any instance answers alike
    private static final ArchRule the_api_and_the_pages_do_not_know_the_store = noClasses()
            .that().resideInAnyPackage("dev.opsbook.api..", "dev.opsbook.web..")
            .should().dependOnClassesThat().resideInAPackage("dev.opsbook.store..");

    private static final ArchRule the_api_and_the_pages_do_not_write_audit_trails = noClasses()
            .that().resideInAnyPackage("dev.opsbook.api..", "dev.opsbook.web..")
            .should().dependOnClassesThat().haveFullyQualifiedName("dev.opsbook.audit.AuditTrail")
            .orShould().dependOnClassesThat().haveFullyQualifiedName("dev.opsbook.audit.CanonicalLine")
            .orShould().dependOnClassesThat().haveFullyQualifiedName("dev.opsbook.audit.AuditLog")
            .orShould().dependOnClassesThat().haveFullyQualifiedName("dev.opsbook.audit.AuditSeals")
            // //why: records and trails come from the store through RunRecords and RunAudits, never from a record folder
            .orShould().dependOnClassesThat().haveFullyQualifiedName("dev.opsbook.record.RecordWriter");

    private static final ArchRule packages_are_free_of_cycles = slices().matching("dev.opsbook.(*)..").should().beFreeOfCycles();

    @Test
    void the_api_and_the_pages_do_not_know_the_store() {
        the_api_and_the_pages_do_not_know_the_store.check(CLASSES);
    }

    @Test
    void the_api_and_the_pages_do_not_write_audit_trails() {
        the_api_and_the_pages_do_not_write_audit_trails.check(CLASSES);
    }

    @Test
    void packages_are_free_of_cycles() {
        packages_are_free_of_cycles.check(CLASSES);
    }

    @Test
    void access_and_http_know_nothing_of_runs() {
        access_and_http_know_nothing_of_runs.check(CLASSES);
    }

    @Test
    void the_api_is_thin_over_the_service() {
        the_api_is_thin_over_the_service.check(CLASSES);
    }

    @Test
    void nothing_but_the_cli_knows_the_api() {
        nothing_but_the_cli_knows_the_api.check(CLASSES);
    }

    @Test
    void triggers_know_nothing_of_step_kinds_records_or_the_cli() {
        triggers_know_nothing_of_step_kinds_records_or_the_cli.check(CLASSES);
    }

    @Test
    void only_the_trigger_package_knows_event_ruler() {
        only_the_trigger_package_knows_event_ruler.check(CLASSES);
    }

    @Test
    void the_core_knows_no_framework() {
        the_core_knows_no_framework.check(CLASSES);
    }

    @Test
    void the_model_knows_nothing_above_it() {
        the_model_knows_nothing_above_it.check(CLASSES);
    }

    @Test
    void expressions_are_a_leaf() {
        expressions_are_a_leaf.check(CLASSES);
    }

    @Test
    void the_graph_does_not_run_anything() {
        the_graph_does_not_run_anything.check(CLASSES);
    }

    @Test
    void aws_and_audit_know_nothing_of_steps_records_or_the_cli() {
        aws_and_audit_know_nothing_of_steps_records_or_the_cli.check(CLASSES);
    }

    @Test
    void the_audit_does_not_call_aws() {
        the_audit_does_not_call_aws.check(CLASSES);
    }

    @Test
    void the_engine_does_not_know_step_kinds_records_or_the_cli() {
        the_engine_does_not_know_step_kinds_records_or_the_cli.check(CLASSES);
    }

    @Test
    void step_kinds_and_records_do_not_know_the_cli() {
        step_kinds_and_records_do_not_know_the_cli.check(CLASSES);
    }

    @Test
    void the_store_keeps_runs_and_knows_nothing_that_uses_it() {
        the_store_keeps_runs_and_knows_nothing_that_uses_it.check(CLASSES);
    }

    @Test
    void nothing_below_the_cli_knows_the_service() {
        nothing_below_the_cli_knows_the_service.check(CLASSES);
    }

    // //why: one renderer of records to HTML, so the API and the pages cannot drift apart in what they let through
    @Test
    void only_the_record_package_renders_html_with_flexmark() {
        noClasses().that().resideOutsideOfPackage("dev.opsbook.record..").should().dependOnClassesThat()
                .resideInAPackage("com.vladsch.flexmark.html..").check(CLASSES);
    }

    @Test
    void only_metrics_knows_micrometer() {
        noClasses().that().resideOutsideOfPackage("dev.opsbook.metrics..").should().dependOnClassesThat()
                .resideInAnyPackage("io.micrometer..").check(CLASSES);
        noClasses().that().resideInAnyPackage("dev.opsbook.runbook..", "dev.opsbook.expression..", "dev.opsbook.graph..",
                        "dev.opsbook.engine..", "dev.opsbook.steps..", "dev.opsbook.aws..", "dev.opsbook.audit..", "dev.opsbook.record..",
                        "dev.opsbook.store..", "dev.opsbook.trigger..")
                .should().dependOnClassesThat().resideInAPackage("dev.opsbook.metrics..").check(CLASSES);
        noClasses().that().resideInAPackage("dev.opsbook.metrics..").should().dependOnClassesThat()
                .resideInAnyPackage("dev.opsbook.service..", "dev.opsbook.cli..", "dev.opsbook.store..").check(CLASSES);
    }

    // //why: alarms are read and turned into events, nothing more: what matches them is the service's to say
    @Test
    void alarms_know_only_aws() {
        noClasses().that().resideInAPackage("dev.opsbook.alarm..").should().dependOnClassesThat()
                .resideInAnyPackage("dev.opsbook.service..", "dev.opsbook.cli..", "dev.opsbook.serve..", "dev.opsbook.api..",
                        "dev.opsbook.web..", "dev.opsbook.store..", "dev.opsbook.engine..", "dev.opsbook.steps..", "dev.opsbook.record..")
                .check(CLASSES);
    }

    // //why: a simulation answers steps; serve (drills) and opsbook test both use it, so it must not know either
    @Test
    void rehearsals_know_nothing_of_the_service_or_its_hosts() {
        noClasses().that().resideInAPackage("dev.opsbook.rehearsal..").should().dependOnClassesThat()
                .resideInAnyPackage("dev.opsbook.service..", "dev.opsbook.cli..", "dev.opsbook.serve..", "dev.opsbook.api..",
                        "dev.opsbook.web..", "dev.opsbook.store..", "dev.opsbook.runbooktest..")
                .check(CLASSES);
    }

    // //why: a runbook's tests run in the process that asked, with no store and no server: nothing a case does outlives it
    @Test
    void runbook_tests_need_no_store_and_no_server() {
        noClasses().that().resideInAPackage("dev.opsbook.runbooktest..").should().dependOnClassesThat()
                .resideInAnyPackage("dev.opsbook.cli..", "dev.opsbook.serve..", "dev.opsbook.api..", "dev.opsbook.web..",
                        "dev.opsbook.store..")
                .check(CLASSES);
    }
}
