package dev.opsbook.service;

import dev.opsbook.engine.RunStatus;
import dev.opsbook.store.RunHead;
import dev.opsbook.store.RunLog;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

/**
 * A broadcast per followed run, for the live run pages: whoever watches a run hears
 * {@link Watcher#update} when it moves (its status or its number of events changed since what
 * the watcher last saw) and {@link Watcher#end} once it stops (neither running nor waiting),
 * after which the watch is over. Nothing of the run travels: the page fetches what changed.
 *
 * <p>Two sources feed it. Each event this process stores is told by the store once committed
 * ({@link RunLog#whenStored}), at once. Events another process writes (another instance on
 * PostgreSQL, {@code opsbook approve} on the embedded store) are read by one poller thread,
 * every {@link #POLL}, for all watched runs this instance does not execute, in one read of their
 * rows. The same thread sends each watcher a keep-alive every {@link #KEEP_ALIVE}, so a
 * proxy does not close a quiet stream and a client gone away is noticed.
 *
 * <p>Thread-safe. Watchers are called on the writer's or the poller's thread, one call at a time
 * per run, and must return at once (hand the message to the connection, never wait for it).
 */
public final class LiveRuns implements AutoCloseable {

    static final Duration POLL = Duration.ofMillis(500);
    static final Duration KEEP_ALIVE = Duration.ofSeconds(15);

    /** What a watcher of one run hears; each call must return at once. */
    public interface Watcher {

        /** The run moved; {@code status} is where it is now. */
        void update(RunStatus status);

        /** The run stopped at {@code status}: the last call of the watch. */
        void end(RunStatus status);

        /** Nothing happened for a while; still there? */
        void keepAlive();
    }

    /** One watch of one run; closing it (the client went away) stops it. Closing twice is fine. */
    public interface Watch extends AutoCloseable {
        @Override
        void close();
    }

    private final RunLog store;
    private final Predicate<String> executedHere;
    private final PrintStream log;
    private final Map<String, Broadcast> runs = new ConcurrentHashMap<>();
    // //why: one thread for every open page, however many: the old pages held a server thread each and read the store 5 times a second
    private final ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(Service.daemon("opsbook-live-runs"));
    private volatile long lastKeepAlive = System.nanoTime();
    private volatile java.util.function.Consumer<RunHead> also = head -> { };

    /**
     * @param executedHere whether this instance executes the run now: then every event of it is
     *        stored here and told at once, and the poller leaves it out
     */
    LiveRuns(RunLog store, Predicate<String> executedHere, PrintStream log) {
        this.store = store;
        this.executedHere = executedHere;
        this.log = log;
    }

    /** Starts hearing the store's events and polling for the others. */
    void start() {
        store.whenStored(this::stored);
        poller.scheduleWithFixedDelay(this::poll, POLL.toMillis(), POLL.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Follows run {@code runId} for {@code watcher}: it hears an update at once when the run is no
     * longer as {@code seen} says ({@link #seen}: what the page was rendered from), and the end
     * at once when the run has stopped already.
     *
     * @return empty when there is no such run
     */
    public Optional<Watch> watch(String runId, String seen, Watcher watcher) {
        Subscriber subscriber = new Subscriber(runId, watcher, seen);
        runs.compute(runId, (id, broadcast) -> {
            Broadcast b = broadcast == null ? new Broadcast() : broadcast;
            b.subscribers.add(subscriber);
            return b;
        });
        // //why: read after subscribing, so an event stored meanwhile is either in this head or told afterwards
        Optional<RunHead> head = Optional.ofNullable(store.heads(List.of(runId)).get(runId));
        if (head.isEmpty()) {
            subscriber.close();
            return Optional.empty();
        }
        Broadcast broadcast = runs.get(runId);
        if (broadcast != null) {
            broadcast.offer(head.get());
            broadcast.catchUp(subscriber);
        }
        return Optional.of(subscriber);
    }

    /** What a page rendered from {@code head} says it saw: status and number of events, as in {@code ?seen=running-7}. */
    public static String seen(RunStatus status, long events) {
        return status.label() + "-" + events;
    }

    /** How many watches are open (for tests and metrics). */
    public int watching() {
        return runs.values().stream().mapToInt(b -> b.subscribers.size()).sum();
    }

    /** Also tells {@code listener} of every event this process stores (serve's escalator: which runs moved); it must return at once. */
    void alsoTell(java.util.function.Consumer<RunHead> listener) {
        this.also = listener;
    }

    /** An event this process stored (from the store, after its commit). */
    void stored(RunHead head) {
        also.accept(head);
        Broadcast broadcast = runs.get(head.runId());
        if (broadcast != null) {
            broadcast.offer(head);
        }
    }

    private void poll() {
        try {
            if (System.nanoTime() - lastKeepAlive >= KEEP_ALIVE.toNanos()) {
                lastKeepAlive = System.nanoTime();
                runs.values().forEach(Broadcast::keepAlive);
            }
            List<String> elsewhere = runs.keySet().stream().filter(executedHere.negate()).toList();
            if (!elsewhere.isEmpty()) {
                store.heads(elsewhere).values().forEach(this::stored);
            }
        } catch (RuntimeException e) {
            log.println("opsbook: the live run pages could not read the store: " + e.getMessage());
        }
    }

    /** Stops polling; open watches hear nothing more (the HTTP server closes their connections). */
    @Override
    public void close() {
        poller.shutdownNow();
        store.whenStored(head -> { });
    }

    /** Running and waiting runs go on (a waiting one once someone answers); every other status is an end. */
    static boolean live(RunStatus status) {
        return status == RunStatus.RUNNING || status == RunStatus.WAITING;
    }

    /** The watchers of one run and the latest head heard of it. */
    private final class Broadcast {
        final Set<Subscriber> subscribers = ConcurrentHashMap.newKeySet();
        private RunHead latest;

        /** Tells every watcher of a head newer than the latest; an older one (a poll that read before a write) is dropped. */
        synchronized void offer(RunHead head) {
            if (latest != null && head.lastSeq() <= latest.lastSeq()) {
                return;
            }
            latest = head;
            subscribers.forEach(s -> s.tell(head));
        }

        synchronized void catchUp(Subscriber subscriber) {
            if (latest != null) {
                subscriber.tell(latest);
            }
        }

        synchronized void keepAlive() {
            subscribers.forEach(Subscriber::keepAlive);
        }
    }

    private final class Subscriber implements Watch {
        private final String runId;
        private final Watcher watcher;
        private final AtomicBoolean over = new AtomicBoolean();
        private String seen;

        Subscriber(String runId, Watcher watcher, String seen) {
            this.runId = runId;
            this.watcher = watcher;
            this.seen = seen == null ? "" : seen;
        }

        /** Called under the run's broadcast lock. */
        void tell(RunHead head) {
            if (over.get()) {
                return;
            }
            try {
                String now = seen(head.status(), head.lastSeq());
                if (!now.equals(seen)) {
                    seen = now;
                    watcher.update(head.status());
                }
                if (!live(head.status())) {
                    close();
                    watcher.end(head.status());
                }
            } catch (RuntimeException e) { // //why: a watcher that fails is a client gone; the writer that told it must not notice
                close();
            }
        }

        void keepAlive() {
            if (!over.get()) {
                try {
                    watcher.keepAlive();
                } catch (RuntimeException e) {
                    close();
                }
            }
        }

        @Override
        public void close() {
            if (over.compareAndSet(false, true)) {
                runs.computeIfPresent(runId, (id, broadcast) -> {
                    broadcast.subscribers.remove(this);
                    return broadcast.subscribers.isEmpty() ? null : broadcast;
                });
            }
        }
    }
}
