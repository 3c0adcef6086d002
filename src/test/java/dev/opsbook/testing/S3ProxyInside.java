package dev.opsbook.testing;

import java.net.URI;
import java.util.Map;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import org.jclouds.blobstore.TransientApiMetadata;

/**
 * Runs inside the class loader {@link S3Endpoint} makes for s3proxy; speaks to it in java.base types only.
 */
public final class S3ProxyInside {

    private S3ProxyInside() {
    }

    /** @return {@code port} (Integer) and {@code stop} (AutoCloseable) */
    public static Map<String, Object> start(String accessKey, String secretKey, String[] buckets) throws Exception {
        // //why: an ApiMetadata rather than the name "transient": a name makes jclouds load every provider it finds, s3proxy's Azure one too
        BlobStoreContext context = ContextBuilder.newBuilder(new TransientApiMetadata()).credentials("identity", "credential")
                .build(BlobStoreContext.class);
        for (String bucket : buckets) {
            context.getBlobStore().createContainerInLocation(null, bucket);
        }
        S3Proxy proxy = S3Proxy.builder().blobStore(context.getBlobStore()).endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKey, secretKey).build();
        proxy.start();
        long until = System.nanoTime() + 10_000_000_000L;
        while (!"STARTED".equals(proxy.getState())) {
            if (System.nanoTime() > until) {
                throw new IllegalStateException("s3proxy did not start: " + proxy.getState());
            }
            Thread.sleep(10);
        }
        AutoCloseable stop = () -> {
            proxy.stop();
            context.close();
        };
        return Map.of("port", proxy.getPort(), "stop", stop);
    }
}
