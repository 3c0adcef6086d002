package dev.opsbook.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** Data flows one way: document → model → graph → engine → steps → record → cli. */
@AnalyzeClasses(packages = "dev.opsbook", importOptions = ImportOption.DoNotIncludeTests.class)
class PackageBoundariesTest {

    private static final String[] FRAMEWORKS = {"io.quarkus..", "jakarta..", "picocli..", "software.amazon..", "io.smallrye..", "io.vertx.."};

    @ArchTest
    static final ArchRule the_core_knows_no_framework = noClasses()
            .that().resideInAnyPackage("dev.opsbook.runbook..", "dev.opsbook.expression..", "dev.opsbook.graph..", "dev.opsbook.engine..")
            .should().dependOnClassesThat().resideInAnyPackage(FRAMEWORKS);

    @ArchTest
    static final ArchRule the_model_knows_nothing_above_it = noClasses()
            .that().resideInAnyPackage("dev.opsbook.runbook..", "dev.opsbook.expression..")
            .should().dependOnClassesThat().resideInAnyPackage(
                    "dev.opsbook.graph..", "dev.opsbook.engine..", "dev.opsbook.steps..", "dev.opsbook.record..", "dev.opsbook.cli..");

    @ArchTest
    static final ArchRule expressions_are_a_leaf = noClasses()
            .that().resideInAPackage("dev.opsbook.expression..")
            .should().dependOnClassesThat().resideInAPackage("dev.opsbook.runbook..");

    @ArchTest
    static final ArchRule the_graph_does_not_run_anything = noClasses()
            .that().resideInAPackage("dev.opsbook.graph..")
            .should().dependOnClassesThat().resideInAnyPackage(
                    "dev.opsbook.engine..", "dev.opsbook.steps..", "dev.opsbook.record..", "dev.opsbook.cli..");

    @ArchTest
    static final ArchRule the_engine_does_not_know_step_kinds_records_or_the_cli = noClasses()
            .that().resideInAPackage("dev.opsbook.engine..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.opsbook.steps..", "dev.opsbook.record..", "dev.opsbook.cli..");

    @ArchTest
    static final ArchRule step_kinds_and_records_do_not_know_the_cli = noClasses()
            .that().resideInAnyPackage("dev.opsbook.steps..", "dev.opsbook.record..")
            .should().dependOnClassesThat().resideInAPackage("dev.opsbook.cli..");
}
