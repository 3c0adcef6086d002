package dev.opsbook.metrics;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Liveness and readiness, answered as MicroProfile Health does ({@code {"status":"UP","checks":[...]}},
 * 503 when anything is down) so that Kubernetes probes and load balancers need no special case.
 * Liveness says the process answers; readiness asks each dependency, each within a time limit,
 * so a store that hangs makes the instance not ready instead of making the probe hang.
 */
public final class Health implements AutoCloseable {

    /** A readiness check: returns a short description when up, throws with the reason when down. */
    @FunctionalInterface
    public interface Check {
        String probe() throws Exception;
    }

    /** An answer to a probe: the HTTP status and the JSON body. */
    public record Answer(int status, ObjectNode body) {
    }

    private static final long LIMIT_MILLIS = 2_000;

    private final Map<String, Check> checks = new LinkedHashMap<>();
    private final ExecutorService probes = Executors.newCachedThreadPool(r -> {
        Thread thread = new Thread(r, "opsbook-health");
        thread.setDaemon(true);
        return thread;
    });

    public synchronized Health readiness(String name, Check check) {
        checks.put(name, check);
        return this;
    }

    public Answer live() {
        ObjectNode body = JsonNodeFactory.instance.objectNode().put("status", "UP");
        body.putArray("checks").addObject().put("name", "process").put("status", "UP");
        return new Answer(200, body);
    }

    public synchronized Answer ready() {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        var list = JsonNodeFactory.instance.arrayNode();
        boolean up = true;
        for (var check : checks.entrySet()) {
            ObjectNode result = list.addObject().put("name", check.getKey());
            Future<String> probe = probes.submit((Callable<String>) check.getValue()::probe);
            try {
                String detail = probe.get(LIMIT_MILLIS, TimeUnit.MILLISECONDS);
                result.put("status", "UP");
                if (detail != null && !detail.isEmpty()) {
                    result.putObject("data").put("detail", detail);
                }
            } catch (TimeoutException e) {
                probe.cancel(true);
                up = false;
                result.put("status", "DOWN").putObject("data").put("detail", "no answer within " + LIMIT_MILLIS + " ms");
            } catch (java.util.concurrent.ExecutionException e) {
                up = false;
                result.put("status", "DOWN").putObject("data").put("detail", String.valueOf(e.getCause().getMessage()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                up = false;
                result.put("status", "DOWN");
            }
        }
        body.put("status", up ? "UP" : "DOWN");
        body.set("checks", list);
        return new Answer(up ? 200 : 503, body);
    }

    @Override
    public void close() {
        probes.shutdownNow();
    }
}
