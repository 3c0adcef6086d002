package dev.opsbook.serve;

import dev.opsbook.access.AccessAudit;
import dev.opsbook.access.Principal;
import io.quarkus.runtime.BlockingOperationControl;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Writes access decisions to the running service's {@link AccessAudit}, once per request (the
 * routing context remembers), before the answer goes out. The trail is in the store, so a decision
 * made on an event-loop thread is written from a worker thread.
 */
@ApplicationScoped
public class AccessRecords {

    /** Routing-context key: this request's decision is in the trail already. */
    static final String RECORDED = "opsbook.access-recorded";
    /** Routing-context key: the detail of a 403 problem a handler threw, the reason of its denial. */
    static final String REFUSAL = "opsbook.refusal";

    @Inject
    Serving serving;

    /** The identity {@link BearerOrSession} made for this request, if it made one. */
    static Optional<SecurityIdentity> identity(RoutingContext context) {
        return context == null ? Optional.empty() : Optional.ofNullable(context.get(BearerOrSession.IDENTITY));
    }

    static Optional<Principal> principal(RoutingContext context) {
        return identity(context).flatMap(i -> Caller.principal(i));
    }

    /** Records the decision (unless this request's is recorded already), then answers. */
    <T> Uni<T> record(RoutingContext context, AccessAudit.Decision decision, Supplier<T> answer) {
        if (context != null && context.get(RECORDED) != null) {
            return Uni.createFrom().item(answer);
        }
        if (context != null) {
            context.put(RECORDED, Boolean.TRUE);
        }
        Supplier<T> recordThenAnswer = () -> {
            serving.current().ifPresent(service -> service.access().record(decision));
            return answer.get();
        };
        return BlockingOperationControl.isBlockingAllowed() ? Uni.createFrom().item(recordThenAnswer)
                : Uni.createFrom().item(recordThenAnswer).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }
}
