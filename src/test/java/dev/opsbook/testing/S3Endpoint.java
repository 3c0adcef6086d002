package dev.opsbook.testing;

import java.io.File;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.jar.JarFile;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A real S3-compatible endpoint on 127.0.0.1: s3proxy over jclouds' transient in-memory blobstore, checking SigV4 signatures
 * against the test credentials ({@code AwsFakes.fakeCredentials}, the CLI tests' environment). What it holds is read with a
 * client of the test's own, not through the code under test.
 *
 * <p>//why: s3proxy runs in a class loader of its own over the test class path less Guice 5: jclouds 2.7 needs Guice 7
 * (jakarta.inject), and Quarkus's test bootstrap brings Guice 5's classes (for its Maven resolver), which would come first.
 */
public final class S3Endpoint implements AutoCloseable {

    public static final String ACCESS_KEY = "AKIAOPSBOOKTEST";
    public static final String SECRET_KEY = "opsbook-test-secret-key";

    private final int port;
    private final AutoCloseable stop;
    private final URLClassLoader loader;
    private final S3Client client;

    private S3Endpoint(int port, AutoCloseable stop, URLClassLoader loader, String accessKey, String secretKey) {
        this.port = port;
        this.stop = stop;
        this.loader = loader;
        this.client = S3Client.builder().region(Region.US_EAST_1).endpointOverride(uri()).forcePathStyle(true)
                .requestChecksumCalculation(software.amazon.awssdk.core.checksums.RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(software.amazon.awssdk.core.checksums.ResponseChecksumValidation.WHEN_REQUIRED)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey))).build();
    }

    /** Started, with the buckets {@code buckets} made. */
    public static S3Endpoint start(String... buckets) throws Exception {
        return withKey(ACCESS_KEY, SECRET_KEY, buckets);
    }

    /** Started, taking only the key {@code accessKey}: the test credentials are refused. */
    @SuppressWarnings("unchecked")
    public static S3Endpoint withKey(String accessKey, String secretKey, String... buckets) throws Exception {
        URLClassLoader loader = new URLClassLoader("s3proxy", isolatedClassPath(), ClassLoader.getPlatformClassLoader());
        Thread thread = Thread.currentThread();
        ClassLoader before = thread.getContextClassLoader();
        thread.setContextClassLoader(loader); // Jetty's threads and jclouds' lookups take the loader of the thread that starts them
        try {
            Map<String, Object> started = (Map<String, Object>) loader.loadClass(S3ProxyInside.class.getName())
                    .getMethod("start", String.class, String.class, String[].class).invoke(null, accessKey, secretKey, buckets);
            return new S3Endpoint((Integer) started.get("port"), (AutoCloseable) started.get("stop"), loader, accessKey, secretKey);
        } catch (java.lang.reflect.InvocationTargetException e) {
            loader.close();
            throw e.getCause() instanceof Exception cause ? cause : e;
        } finally {
            thread.setContextClassLoader(before);
        }
    }

    private static URL[] isolatedClassPath() throws Exception {
        List<String> entries = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (entry.contains("surefirebooter")) { // surefire's class path is the Class-Path of its booter jar's manifest
                try (JarFile jar = new JarFile(entry)) {
                    for (String url : jar.getManifest().getMainAttributes().getValue("Class-Path").split(" ")) {
                        entries.add(Path.of(URI.create(url)).toString());
                    }
                }
            } else {
                entries.add(entry);
            }
        }
        List<URL> urls = new ArrayList<>();
        for (String entry : entries) {
            if (!entry.isBlank() && !entry.matches(".*/guice-[0-5]\\.[^/]*\\.jar")) {
                urls.add(Path.of(entry).toUri().toURL());
            }
        }
        return urls.toArray(URL[]::new);
    }

    public URI uri() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** The object's text, if there is one. */
    public Optional<String> read(String bucket, String key) {
        try {
            return Optional.of(client.getObject(b -> b.bucket(bucket).key(key), ResponseTransformer.toBytes()).asString(StandardCharsets.UTF_8));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        }
    }

    /** The object's Content-Type. */
    public Optional<String> contentType(String bucket, String key) {
        return Optional.of(client.headObject(b -> b.bucket(bucket).key(key)).contentType());
    }

    /** Every key in the bucket, sorted. */
    public List<String> keys(String bucket) {
        return client.listObjectsV2Paginator(b -> b.bucket(bucket)).contents().stream().map(S3Object::key).sorted().toList();
    }

    @Override
    public void close() throws Exception {
        client.close();
        try {
            stop.close();
        } finally {
            loader.close();
        }
    }
}
