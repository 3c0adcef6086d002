package dev.opsbook.store;

import org.junit.jupiter.api.Nested;

/** Every port's contract on PostgreSQL: a schema of its own for every test in the JVM's one embedded server ({@link SharedPostgres}). */
class PostgresStoreContractsTest {

    @Nested
    class RecordExportsOnPostgres extends RecordExportsContract {
        @Override
        StoreBackend backend() {
            return StoreBackend.POSTGRES;
        }
    }

    @Nested
    class RunLogOnPostgres extends RunLogContract {
        @Override
        StoreBackend backend() {
            return StoreBackend.POSTGRES;
        }
    }

    @Nested
    class LeasesOnPostgres extends LeasesContract {
        @Override
        StoreBackend backend() {
            return StoreBackend.POSTGRES;
        }
    }

    @Nested
    class EventInboxOnPostgres extends EventInboxContract {
        @Override
        StoreBackend backend() {
            return StoreBackend.POSTGRES;
        }
    }

    @Nested
    class CancelRequestsOnPostgres extends CancelRequestsContract {
        @Override
        StoreBackend backend() {
            return StoreBackend.POSTGRES;
        }
    }

    @Nested
    class EscalationsOnPostgres extends EscalationsContract {
        @Override
        StoreBackend backend() {
            return StoreBackend.POSTGRES;
        }
    }

    @Nested
    class TokensAndSealsOnPostgres extends TokensAndSealsContract {
        @Override
        StoreBackend backend() {
            return StoreBackend.POSTGRES;
        }
    }

    @Nested
    class GameDaysOnPostgres extends GameDaysContract {
        @Override
        StoreBackend backend() {
            return StoreBackend.POSTGRES;
        }
    }

    @Nested
    class RunSearchOnPostgres extends RunSearchContract {
        @Override
        StoreBackend backend() {
            return StoreBackend.POSTGRES;
        }
    }

    @Nested
    class CommentsOnPostgres extends CommentsContract {
        @Override
        StoreBackend backend() {
            return StoreBackend.POSTGRES;
        }
    }

    @Nested
    class RunStatsOnPostgres extends RunStatsContract {
        @Override
        StoreBackend backend() {
            return StoreBackend.POSTGRES;
        }
    }
}
