package dev.opsbook.aws;

import java.io.IOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Enumeration;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * The AWS services on the classpath, found by their SDK packages
 * ({@code software.amazon.awssdk.services.<name>}): adding an SDK service module as a dependency
 * is all it takes to call another service. Thread-safe; services are read on first use.
 */
public final class AwsServices {

    private static final String ROOT = "software/amazon/awssdk/services/";

    /** Names people also use: the AWS CLI's and EventBridge's. */
    private static final Map<String, String> ALIASES = Map.of(
            "logs", "cloudwatchlogs",
            "events", "eventbridge",
            "elbv2", "elasticloadbalancingv2",
            "monitoring", "cloudwatch");

    private static final AwsServices INSTANCE = new AwsServices();

    private final Map<String, Optional<AwsService>> services = new ConcurrentHashMap<>();
    private volatile Collection<String> names;

    public static AwsServices onClasspath() {
        return INSTANCE;
    }

    public Optional<AwsService> find(String name) {
        String canonical = ALIASES.getOrDefault(name, name);
        return services.computeIfAbsent(canonical, this::load);
    }

    /**
     * The one place a runbook's service and operation names are looked up: aliases resolve to the
     * service, and an operation written in any case to the API reference's name, so validation,
     * safety, the IAM policy and the call itself all see the same canonical names.
     */
    public Optional<AwsOperation> operation(String service, String operation) {
        return find(service).flatMap(s -> s.operation(operation));
    }

    /** Every service name runbooks can use, for listings and "did you mean". */
    public Collection<String> names() {
        if (names == null) {
            TreeSet<String> all = new TreeSet<>();
            ClassLoader loader = loader();
            try {
                Enumeration<URL> roots = loader.getResources(ROOT);
                while (roots.hasMoreElements()) {
                    all.addAll(children(roots.nextElement()));
                }
            } catch (IOException e) {
                // fall through with what was found
            }
            all.removeIf(n -> n.equals("sso") || n.equals("ssooidc") || n.startsWith("internal"));
            names = all;
        }
        return names;
    }

    private Optional<AwsService> load(String name) {
        if (!name.matches("[a-z0-9]+")) {
            return Optional.empty();
        }
        ClassLoader loader = loader();
        try {
            Enumeration<URL> packages = loader.getResources(ROOT + name + "/");
            while (packages.hasMoreElements()) {
                for (String entry : entries(packages.nextElement())) {
                    if (entry.endsWith("Client.class") && !entry.endsWith("AsyncClient.class") && !entry.startsWith("Default")
                            && !entry.contains("$")) {
                        String className = "software.amazon.awssdk.services." + name + "." + entry.substring(0, entry.length() - ".class".length());
                        Class<?> client = Class.forName(className, false, loader);
                        if (client.isInterface()) {
                            return Optional.of(AwsService.of(name, client));
                        }
                    }
                }
            }
        } catch (IOException | ClassNotFoundException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    private static ClassLoader loader() {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        return context != null ? context : AwsServices.class.getClassLoader();
    }

    /** Names of the sub-folders of a package folder. */
    private static Collection<String> children(URL folder) throws IOException {
        TreeSet<String> names = new TreeSet<>();
        for (String entry : listing(folder, true)) {
            names.add(entry);
        }
        return names;
    }

    /** File names directly inside a package folder. */
    private static Collection<String> entries(URL folder) throws IOException {
        return listing(folder, false);
    }

    private static Collection<String> listing(URL folder, boolean folders) throws IOException {
        TreeSet<String> names = new TreeSet<>();
        if (folder.getProtocol().equals("jar")) {
            JarURLConnection connection = (JarURLConnection) folder.openConnection();
            connection.setUseCaches(false);
            String prefix = connection.getEntryName();
            try (JarFile jar = connection.getJarFile()) {
                Enumeration<JarEntry> all = jar.entries();
                while (all.hasMoreElements()) {
                    String entry = all.nextElement().getName();
                    if (!entry.startsWith(prefix) || entry.equals(prefix)) {
                        continue;
                    }
                    String rest = entry.substring(prefix.length());
                    int slash = rest.indexOf('/');
                    if (folders && slash > 0) {
                        names.add(rest.substring(0, slash));
                    } else if (!folders && slash < 0) {
                        names.add(rest);
                    }
                }
            }
        } else if (folder.getProtocol().equals("file")) {
            try (Stream<Path> list = Files.list(Path.of(folder.toURI()))) {
                list.filter(p -> Files.isDirectory(p) == folders).forEach(p -> names.add(p.getFileName().toString()));
            } catch (URISyntaxException e) {
                throw new IOException(e);
            }
        }
        return names;
    }

    static Map<String, String> aliases() {
        return new TreeMap<>(ALIASES);
    }
}
