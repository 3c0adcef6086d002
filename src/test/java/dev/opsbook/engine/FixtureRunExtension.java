package dev.opsbook.engine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

final class FixtureRunExtension implements ParameterResolver {

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == RunResult.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        FixtureRun fixture = context.getRequiredTestMethod().getAnnotation(FixtureRun.class);
        Map<String, String> params = new LinkedHashMap<>();
        for (String pair : fixture.params()) {
            int equals = pair.indexOf('=');
            params.put(pair.substring(0, equals), pair.substring(equals + 1));
        }
        try {
            Path workDir = Files.createTempDirectory("opsbook-fixture-");
            return Fixtures.run(fixture.value(), params, Fixtures.answering(fixture.answers()), workDir, new RunControl(), RunListener.NONE);
        } catch (Exception e) {
            throw new ParameterResolutionException("cannot run fixture " + fixture.value() + ": " + e.getMessage(), e);
        }
    }
}
