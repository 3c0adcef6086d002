package dev.opsbook.web;

import dev.opsbook.engine.RunStatus;
import dev.opsbook.http.Problem;
import dev.opsbook.http.ProblemException;
import dev.opsbook.serve.Roles;
import dev.opsbook.serve.Serving;
import dev.opsbook.service.LiveRuns;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.operators.multi.processors.UnicastProcessor;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;

/**
 * The server-sent events of a run page ({@code /static/opsbook.js} listens): {@code update}
 * whenever the run moved since what the page was rendered from ({@code ?seen=running-7}),
 * {@code end} once it has stopped, then the stream closes; a comment every 15 s keeps it open
 * through proxies. Nothing of the run travels in the stream: the page fetches its live part.
 *
 * <p>No thread waits for an open page: the run's broadcast ({@link LiveRuns}) hands each message
 * to the connection, and a client that goes away cancels its watch.
 */
@Path("/runs/{id}/stream")
public class RunEventsResource {

    @Inject
    Serving serving;

    @GET
    @RolesAllowed(Roles.VIEWER)
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @Blocking // //why: only the first read of the run's row, on a worker thread; the stream itself holds none
    public Multi<OutboundSseEvent> stream(@RestPath String id, @RestQuery String seen, @Context Sse sse) {
        UnicastProcessor<OutboundSseEvent> events = UnicastProcessor.create();
        LiveRuns.Watch watch = serving.get().live().watch(id, seen, new LiveRuns.Watcher() {
            @Override
            public void update(RunStatus status) {
                events.onNext(event(sse, "update", status));
            }

            @Override
            public void end(RunStatus status) {
                events.onNext(event(sse, "end", status));
                events.onComplete();
            }

            @Override
            public void keepAlive() {
                events.onNext(sse.newEventBuilder().comment("keep-alive").build());
            }
        }).orElseThrow(() -> new ProblemException(Problem.notFound("No run " + id + ".")));
        return events.onTermination().invoke(watch::close);
    }

    private static OutboundSseEvent event(Sse sse, String name, RunStatus status) {
        return sse.newEventBuilder().name(name).mediaType(MediaType.TEXT_PLAIN_TYPE).data("{\"status\":\"" + status.label() + "\"}").build();
    }
}
