package dev.opsbook.serve;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.spi.Bean;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.inject.Inject;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Path;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * The REST routes as "METHOD template" pairs, read once from the resource classes: what the
 * {@code Allow} header of a 405 lists.
 *
 * //why: Quarkus REST refuses a method a path does not take with a bare NotAllowedException, no Allow
 */
@ApplicationScoped
public class RouteIndex {

    record Entry(String method, List<String> segments) {
    }

    @Inject
    BeanManager beans;

    private volatile List<Entry> entries;

    /** The methods some REST route serves at this raw path, sorted; empty when none does. */
    public List<String> methodsAt(String rawPath) {
        List<String> path = segments(rawPath);
        TreeSet<String> methods = new TreeSet<>();
        for (Entry entry : entries()) {
            if (matches(entry.segments(), path)) {
                methods.add(entry.method());
            }
        }
        return List.copyOf(methods);
    }

    private List<Entry> entries() {
        List<Entry> known = entries;
        if (known == null) {
            List<Entry> found = new ArrayList<>();
            for (Bean<?> bean : beans.getBeans(Object.class, Any.Literal.INSTANCE)) {
                Class<?> type = bean.getBeanClass();
                if (type.isAnnotationPresent(Path.class)) {
                    for (Method method : type.getMethods()) {
                        for (Annotation annotation : method.getAnnotations()) {
                            HttpMethod http = annotation.annotationType().getAnnotation(HttpMethod.class);
                            if (http != null) {
                                String template = Routes.template(type.getAnnotation(Path.class), method.getAnnotation(Path.class));
                                found.add(new Entry(http.value(), segments(template)));
                            }
                        }
                    }
                }
            }
            entries = known = List.copyOf(found);
        }
        return known;
    }

    static boolean matches(List<String> template, List<String> path) {
        if (template.size() != path.size()) {
            return false;
        }
        for (int i = 0; i < template.size(); i++) {
            String expected = template.get(i);
            boolean param = expected.startsWith("{") && expected.endsWith("}");
            if (param ? path.get(i).isEmpty() : !expected.equals(path.get(i))) {
                return false;
            }
        }
        return true;
    }

    static List<String> segments(String path) {
        String trimmed = path.replaceAll("^/+|/+$", "");
        return trimmed.isEmpty() ? List.of() : List.of(trimmed.split("/", -1));
    }
}
