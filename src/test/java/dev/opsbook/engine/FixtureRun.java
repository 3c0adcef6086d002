package dev.opsbook.engine;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs a fixture runbook from {@code src/test/resources/runbooks/} before the test and hands the
 * finished {@link RunResult} to it as a parameter.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(FixtureRunExtension.class)
public @interface FixtureRun {

    /** Path under src/test/resources/runbooks/. */
    String value();

    /** {@code name=value} pairs. */
    String[] params() default {};

    /** How the person at the run answers manual steps and approvals. */
    Answers answers() default Answers.YES;

    enum Answers { YES, NO, NOBODY }
}
