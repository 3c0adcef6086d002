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
 * The readiness checks of a running service: each dependency asked within a time limit, so a
 * store that hangs makes the instance not ready instead of making the probe hang. {@code serve}
 * answers them at {@code /q/health/ready} through SmallRye Health ({@code serve.ServiceHealth});
 * {@link #ready()} is the same answer for callers without Quarkus.
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

    /** What one check said: up or down, and its detail (the reason when down). */
    public record Result(String name, boolean up, String detail) {
    }

    /** The names of the readiness checks, in the order they were added. */
    public synchronized java.util.List<String> names() {
        return java.util.List.copyOf(checks.keySet());
    }

    /** Asks one check, within its time limit; a check that does not exist is down. */
    public Result probe(String name) {
        Check check;
        synchronized (this) {
            check = checks.get(name);
        }
        if (check == null) {
            return new Result(name, false, "no such check");
        }
        Future<String> probe = probes.submit((Callable<String>) check::probe);
        try {
            String detail = probe.get(LIMIT_MILLIS, TimeUnit.MILLISECONDS);
            return new Result(name, true, detail == null ? "" : detail);
        } catch (TimeoutException e) {
            probe.cancel(true);
            return new Result(name, false, "no answer within " + LIMIT_MILLIS + " ms");
        } catch (java.util.concurrent.ExecutionException e) {
            return new Result(name, false, String.valueOf(e.getCause().getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(name, false, "interrupted");
        }
    }

    public Answer ready() {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        var list = JsonNodeFactory.instance.arrayNode();
        boolean up = true;
        for (String name : names()) {
            Result result = probe(name);
            up &= result.up();
            ObjectNode entry = list.addObject().put("name", name).put("status", result.up() ? "UP" : "DOWN");
            if (!result.detail().isEmpty()) {
                entry.putObject("data").put("detail", result.detail());
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
