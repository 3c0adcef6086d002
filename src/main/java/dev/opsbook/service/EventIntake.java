package dev.opsbook.service;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Where every transport hands an event: the messaging channel {@code events} (SQS by default,
 * any SmallRye connector by configuration) and {@code POST /events}. It says what became of the
 * event, and whether the transport may forget it ({@link Verdict#DONE}: its run is stored or it
 * is settled as rejected) or must keep it for later ({@link Verdict#LATER}: this instance is
 * full or draining, the concurrency key is busy, the store failed).
 */
public final class EventIntake {

    /** What a transport does with a message. */
    public enum Verdict {
        /** Recorded: acknowledge (delete) the message. */
        DONE,
        /** Not now (busy, or failed): leave it to come back. */
        LATER
    }

    private final Dispatcher dispatcher;
    private final RunPool pool;
    private final int maxConcurrentRuns;
    private volatile boolean closed;
    /** //why: several channel copies offer at once; each offer holds a slot from its check until its run is in the pool */
    private final java.util.concurrent.atomic.AtomicInteger offering = new java.util.concurrent.atomic.AtomicInteger();
    private volatile CompletableFuture<Void> freed = new CompletableFuture<>();

    EventIntake(Dispatcher dispatcher, RunPool pool, int maxConcurrentRuns) {
        this.dispatcher = dispatcher;
        this.pool = pool;
        this.maxConcurrentRuns = maxConcurrentRuns;
        pool.onFreed(this::freed);
    }

    /**
     * @param channel where it came from, as the run's trigger and the records say ({@code sqs}, {@code http}, a channel name)
     * @param receives how many times the transport has delivered it (1 when it cannot tell)
     */
    public Dispatcher.Outcome offer(String channel, String body, int receives) {
        return offer(() -> dispatcher.handle(channel, body, receives));
    }

    private Dispatcher.Outcome offer(java.util.function.Supplier<Dispatcher.Outcome> handle) {
        java.util.Optional<Reserved> slot = reserve();
        return slot.isPresent() ? slot.get().handled(handle) : busy();
    }

    /**
     * A slot held for one event from now until its {@link Reserved#offer offer} returns, when there is room: a transport that
     * offers on another thread reserves first, so it can take its next message at once without two taking the last slot.
     */
    public java.util.Optional<Reserved> reserve() {
        int others = offering.getAndIncrement();
        if (closed || pool.freeSlots() - others <= 0) {
            offering.decrementAndGet();
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(new Reserved());
    }

    /** A slot reserved by {@link #reserve()}: offer one event with it, once. */
    public final class Reserved {
        private final java.util.concurrent.atomic.AtomicBoolean used = new java.util.concurrent.atomic.AtomicBoolean();

        private Reserved() {
        }

        /** As {@link EventIntake#offer}, in the reserved slot (still LATER when the intake closed meanwhile). */
        public Dispatcher.Outcome offer(String channel, String body, int receives) {
            return handled(() -> dispatcher.handle(channel, body, receives));
        }

        private Dispatcher.Outcome handled(java.util.function.Supplier<Dispatcher.Outcome> handle) {
            if (!used.compareAndSet(false, true)) {
                throw new IllegalStateException("a reserved slot offers one event");
            }
            try {
                return closed ? busy() : handle.get();
            } finally {
                offering.decrementAndGet();
                freed(); // //why: an event settled without a run (a duplicate, no match) gives its slot back, and a held message may take it
            }
        }
    }

    private Dispatcher.Outcome busy() {
        return new Dispatcher.Outcome(Verdict.LATER, JsonNodeFactory.instance.objectNode().put("outcome", "busy")
                .put("reason", closed || pool.draining() ? "this instance is draining; send the event to another one, or to the queue"
                        : "this instance runs " + maxConcurrentRuns + " runs already (--max-runs); try again, or send it to the queue"));
    }

    /**
     * A game day's event: its runs are drills of game day {@code gameDay} (channel {@code gameday}); the same checks of
     * room as any event.
     */
    public Dispatcher.Outcome offerDrill(String body, String gameDay) {
        return offer(() -> dispatcher.handle("gameday", body, 1, java.util.Optional.of(gameDay)));
    }

    /** How many more runs this instance would start now: a transport takes no more messages than that. */
    public int room() {
        return closed ? 0 : Math.max(0, pool.freeSlots() - offering.get());
    }

    /**
     * Completes once a run has ended here or the intake closed (at once when there is room now or
     * it is closed): a transport that holds a message while the instance is full offers it then,
     * rather than handing it back to be received again and again (each delivery counts towards
     * the queue's redrive limit). Look at {@link #room()} again when it completes: another
     * message may have taken the slot.
     */
    public CompletionStage<Void> whenRoom() {
        CompletableFuture<Void> next = freed;
        return closed || room() > 0 ? CompletableFuture.completedFuture(null) : next;
    }

    /** Whether every event is {@link Verdict#LATER} from now on (the service is stopping). */
    public boolean closed() {
        return closed;
    }

    private void freed() {
        CompletableFuture<Void> was = freed;
        freed = new CompletableFuture<>();
        was.complete(null);
    }

    /** From now on every event is {@link Verdict#LATER}: the instance is stopping or draining. */
    void close() {
        closed = true;
        freed();
    }
}
