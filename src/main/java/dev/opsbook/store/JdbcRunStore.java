package dev.opsbook.store;

import dev.opsbook.audit.AuditFact;
import dev.opsbook.engine.RunEvent;
import dev.opsbook.engine.RunStatus;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The run store over plain JDBC: embedded H2 by default, PostgreSQL in production. The schema is
 * Flyway's migrations under {@code db/migration}, applied when the store opens.
 *
 * <p>Only an assembler: it opens the shared {@link Jdbc} helper (pool, schema, transactions, time
 * columns) and hands each concern to its own class ({@link JdbcRunLog}, {@link JdbcLeases},
 * {@link JdbcEventInbox}, {@link JdbcCancelRequests}, {@link JdbcEscalations},
 * {@link JdbcTokenStore}, {@link JdbcAuditSeals}).
 */
public final class JdbcRunStore implements RunStore {

    /** The highest migration this code ships (db/migration/V{n}__*.sql). */
    static final int SCHEMA_VERSION = 27;

    private final Jdbc jdbc;
    private final JdbcRunLog runLog;
    private final Leases leases;
    private final EventInbox inbox;
    private final CancelRequests cancelRequests;
    private final Escalations escalations;
    private final RecordExports exports;
    private final JdbcTokenStore tokens;
    private final GameDays gameDays;
    private final Comments comments;
    private final JdbcAuditSeals seals;
    private final JdbcAuditChain chains;
    private final RunStats stats;

    /** The most connections a store keeps open when its opener does not say (a CLI command, a test). */
    public static final int DEFAULT_CONNECTIONS = 8;

    private JdbcRunStore(Jdbc jdbc) {
        this.jdbc = jdbc;
        RunRows rows = new RunRows(jdbc);
        JdbcStepFacts facts = new JdbcStepFacts(jdbc); // the dashboards' facts, written with each event
        this.runLog = new JdbcRunLog(jdbc, rows, facts);
        this.stats = new JdbcRunStats(jdbc, facts);
        this.chains = new JdbcAuditChain(jdbc, jdbc.description());
        this.leases = new JdbcLeases(jdbc, rows);
        this.inbox = new JdbcEventInbox(jdbc, rows);
        this.cancelRequests = new JdbcCancelRequests(jdbc);
        this.escalations = new JdbcEscalations(jdbc);
        this.exports = new JdbcRecordExports(jdbc);
        this.tokens = new JdbcTokenStore(jdbc);
        this.gameDays = new JdbcGameDays(jdbc);
        this.comments = new JdbcComments(jdbc);
        this.seals = new JdbcAuditSeals(jdbc, jdbc.description());
    }

    /**
     * Opens the store at {@code jdbcUrl} and brings its schema up to date.
     *
     * @param user may be null when the URL says who connects
     * @param password may be null
     */
    public static JdbcRunStore open(String jdbcUrl, String user, String password) {
        return open(jdbcUrl, user, password, DEFAULT_CONNECTIONS);
    }

    /**
     * As {@link #open(String, String, String)}, with a pool of at most {@code connections} (serve sizes it to its runs:
     * {@code Capacity.storeConnections}).
     */
    public static JdbcRunStore open(String jdbcUrl, String user, String password, int connections) {
        if (connections < 1) {
            throw new IllegalArgumentException("a store needs at least one connection, not " + connections);
        }
        return new JdbcRunStore(Jdbc.open(jdbcUrl, user, password, Jdbc.describe(jdbcUrl), SCHEMA_VERSION, connections));
    }

    /**
     * The embedded store in {@code dir}: an H2 file that a second process (say {@code opsbook approve}
     * while {@code opsbook serve} runs) can use at the same time, the first one serving it to the others.
     * //why: WRITE_DELAY=0 writes each commit to the file as it commits; H2's default keeps commits in memory for up to
     * 500 ms, and a process killed then (kill -9) lost runs it had answered for and steps it had started.
     */
    public static String embeddedUrl(Path dir) {
        return "jdbc:h2:file:" + dir.toAbsolutePath().normalize().resolve("store") + ";AUTO_SERVER=TRUE;WRITE_DELAY=0";
    }

    @Override
    public String describe() {
        return jdbc.description();
    }

    @Override
    public dev.opsbook.audit.AuditSeals auditSeals() {
        return seals;
    }

    @Override
    public dev.opsbook.audit.AuditChains auditChains() {
        return chains;
    }

    @Override
    public RunStats stats() {
        return stats;
    }

    @Override
    public GameDays gameDays() {
        return gameDays;
    }

    @Override
    public Comments comments() {
        return comments;
    }

    @Override
    public dev.opsbook.access.TokenStore tokens() {
        return tokens;
    }

    @Override
    public void close() {
        runLog.close();
        jdbc.close();
    }

    // ---- the run log ------------------------------------------------------------------------

    @Override
    public void create(StoredRun run, String runbookText, RunEvent.RunStarted started, Optional<Lease> lease) {
        runLog.create(run, runbookText, started, lease);
    }

    @Override
    public void create(StoredRun run, String runbookText, RunEvent.RunStarted started, Optional<Lease> lease, Optional<AuditFact> audit) {
        runLog.create(run, runbookText, started, lease, audit);
    }

    @Override
    public void append(String runId, long seq, RunEvent event, Optional<String> holder, Optional<Lease> lease) {
        runLog.append(runId, seq, event, holder, lease);
    }

    @Override
    public void append(String runId, long seq, RunEvent event, Optional<String> holder, Optional<Lease> lease, Optional<AuditFact> audit) {
        runLog.append(runId, seq, event, holder, lease, audit);
    }

    @Override
    public void appendAll(String runId, List<Appending> events, Optional<String> holder) {
        runLog.appendAll(runId, events, holder);
    }

    @Override
    public Optional<StoredRun> run(String runId) {
        return runLog.run(runId);
    }

    @Override
    public Optional<String> runbookText(String runId) {
        return runLog.runbookText(runId);
    }

    @Override
    public List<StoredRun> runs(RunQuery query) {
        return runLog.runs(query);
    }

    @Override
    public List<StoredRun> answeredRuns(int limit) {
        return runLog.answeredRuns(limit);
    }

    @Override
    public List<RunEvent> events(String runId) {
        return runLog.events(runId);
    }

    @Override
    public long runsStartedSince(String runbookId, Instant since) {
        return runLog.runsStartedSince(runbookId, since);
    }

    @Override
    public long activeRuns(String runbookId, String concurrencyKey) {
        return runLog.activeRuns(runbookId, concurrencyKey);
    }

    @Override
    public long countRuns(RunStatus status) {
        return runLog.countRuns(status);
    }

    @Override
    public java.util.Map<String, RunHead> heads(java.util.Collection<String> runIds) {
        return runLog.heads(runIds);
    }

    @Override
    public void whenStored(java.util.function.Consumer<RunHead> observer) {
        runLog.whenStored(observer);
    }

    // ---- leases and instances ---------------------------------------------------------------

    @Override
    public Optional<Lease> lease(String runId) {
        return leases.lease(runId);
    }

    @Override
    public Set<String> renewLeases(String owner, Instant expiresAt) {
        return leases.renewLeases(owner, expiresAt);
    }

    @Override
    public Optional<Takeover> takeOverExpired(String owner, Instant now, Instant expiresAt) {
        return leases.takeOverExpired(owner, now, expiresAt);
    }

    @Override
    public boolean releaseLease(String runId, String owner) {
        return leases.releaseLease(runId, owner);
    }

    @Override
    public List<EngineInstance> registerInstance(EngineInstance self, Instant now, Instant aliveSince) {
        return leases.registerInstance(self, now, aliveSince);
    }

    @Override
    public void unregisterInstance(String name) {
        leases.unregisterInstance(name);
    }

    @Override
    public boolean multiInstance() {
        return leases.multiInstance();
    }

    @Override
    public KeyLock lockConcurrencyKey(String runbookId, String key) {
        return leases.lockConcurrencyKey(runbookId, key);
    }

    // ---- the event inbox --------------------------------------------------------------------

    @Override
    public boolean claim(ReceivedEvent event) {
        return inbox.claim(event);
    }

    @Override
    public boolean claim(ReceivedEvent event, String claimant, Instant expiresAt) {
        return inbox.claim(event, claimant, expiresAt);
    }

    @Override
    public boolean reclaim(String eventId, String claimant, Instant now, Instant expiresAt) {
        return inbox.reclaim(eventId, claimant, now, expiresAt);
    }

    @Override
    public List<StoredRun> runsOfEvent(String eventId) {
        return inbox.runsOfEvent(eventId);
    }

    @Override
    public void settle(String eventId, EventOutcome outcome, String reason, List<String> runIds) {
        inbox.settle(eventId, outcome, reason, runIds);
    }

    @Override
    public Optional<ReceivedEvent> receivedEvent(String eventId) {
        return inbox.receivedEvent(eventId);
    }

    @Override
    public List<ReceivedEvent> receivedEvents(int limit) {
        return inbox.receivedEvents(limit);
    }

    // ---- cancel requests and escalations ----------------------------------------------------

    @Override
    public boolean requestCancel(CancelRequest request) {
        return cancelRequests.requestCancel(request);
    }

    @Override
    public List<CancelRequest> cancelRequestsOfRunningRuns() {
        return cancelRequests.cancelRequestsOfRunningRuns();
    }

    @Override
    public List<CancelRequest> cancelRequestsOfWaitingRuns() {
        return cancelRequests.cancelRequestsOfWaitingRuns();
    }

    @Override
    public boolean escalateOnce(String key, Instant now, Instant notBefore) {
        return escalations.escalateOnce(key, now, notBefore);
    }

    @Override
    public boolean claimTier(String subject, String occasion, int tier, String instance, Instant now, Instant holdUntil) {
        return escalations.claimTier(subject, occasion, tier, instance, now, holdUntil);
    }

    @Override
    public void attempted(String subject, String occasion, int tier, List<String> delivered, String failure, Optional<Instant> retryAt) {
        escalations.attempted(subject, occasion, tier, delivered, failure, retryAt);
    }

    @Override
    public boolean claimRetry(String subject, String occasion, int tier, int attempts, Instant now, Instant holdUntil) {
        return escalations.claimRetry(subject, occasion, tier, attempts, now, holdUntil);
    }

    @Override
    public List<Notice> notices(String subject) {
        return escalations.notices(subject);
    }

    @Override
    public List<Notice> open(int limit) {
        return escalations.open(limit);
    }

    @Override
    public boolean close(String subject, String occasion, Optional<String> fromHow, String toHow, Instant at) {
        return escalations.close(subject, occasion, fromHow, toHow, at);
    }

    @Override
    public boolean acknowledge(String subject, String occasion, String by, Instant at, dev.opsbook.audit.AuditFact audit) {
        return escalations.acknowledge(subject, occasion, by, at, audit);
    }

    @Override
    public List<Acknowledgement> acknowledgements(String subject) {
        return escalations.acknowledgements(subject);
    }

    @Override
    public void lookAgain(String runId, long seenSeq, Optional<Instant> at) {
        escalations.lookAgain(runId, seenSeq, at);
    }

    @Override
    public void lookAgain(List<Look> looks) {
        escalations.lookAgain(looks);
    }

    @Override
    public void forgetLook(String runId) {
        escalations.forgetLook(runId);
    }

    @Override
    public java.util.Set<String> forgetLooksOfUntold(java.util.Collection<String> runIds) {
        return escalations.forgetLooksOfUntold(runIds);
    }

    @Override
    public List<String> dueLooks(Instant now, int limit) {
        return escalations.dueLooks(now, limit);
    }

    @Override
    public List<String> unlooked(Instant failedSince, int offset, int limit) {
        return escalations.unlooked(failedSince, offset, limit);
    }

    // ---- record exports ---------------------------------------------------------------------

    @Override
    public void exported(java.util.Map<String, Long> seqs) {
        exports.exported(seqs);
    }

    @Override
    public List<String> unexported(int limit) {
        return exports.unexported(limit);
    }

    @Override
    public java.util.Map<String, RecordParts> recordParts(java.util.Collection<String> runIds) {
        return exports.recordParts(runIds);
    }
}
