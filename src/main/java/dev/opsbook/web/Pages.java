package dev.opsbook.web;

import io.quarkus.qute.Engine;
import io.quarkus.qute.HtmlEscaper;
import io.quarkus.qute.ReflectionValueResolver;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateLocator;
import io.quarkus.qute.Variant;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The HTML pages, from Qute templates under {@code web/templates/} on the classpath. Every
 * value is HTML-escaped as it is written; only {@link io.quarkus.qute.RawString}s made here from
 * already-safe HTML (the record, the graph) are written as they are.
 *
 * //why: Qute's standalone engine (qute-core), not the quarkus-qute extension: the extension
 * starts with every CLI command, and only {@code serve} shows pages.
 */
public final class Pages {

    private static final String FOLDER = "web/templates/";

    private final Engine engine;

    public Pages() {
        this.engine = Engine.builder()
                .addDefaults()
                .addValueResolver(new ReflectionValueResolver())
                .addResultMapper(new HtmlEscaper(List.of(Variant.TEXT_HTML)))
                .addLocator(new ClasspathTemplates())
                .removeStandaloneLines(true)
                .strictRendering(true)
                .build();
    }

    /** Renders {@code web/templates/NAME.html} with {@code data}. */
    public String render(String name, Map<String, Object> data) {
        Template template = engine.getTemplate(name);
        if (template == null) {
            throw new IllegalArgumentException("no template " + FOLDER + name + ".html on the classpath");
        }
        return template.data(data).render();
    }

    private static final class ClasspathTemplates implements TemplateLocator {
        @Override
        public Optional<TemplateLocation> locate(String id) {
            String path = FOLDER + id + (id.endsWith(".html") ? "" : ".html");
            if (Pages.class.getClassLoader().getResource(path) == null) {
                return Optional.empty();
            }
            return Optional.of(new TemplateLocation() {
                @Override
                public Reader read() {
                    InputStream in = Pages.class.getClassLoader().getResourceAsStream(path);
                    return new InputStreamReader(in, StandardCharsets.UTF_8);
                }

                @Override
                public Optional<Variant> getVariant() {
                    return Optional.of(Variant.forContentType(Variant.TEXT_HTML));
                }
            });
        }
    }
}
