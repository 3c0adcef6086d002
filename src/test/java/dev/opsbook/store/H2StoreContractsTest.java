package dev.opsbook.store;

import org.junit.jupiter.api.Nested;

/** Every port's contract on the embedded store: an H2 file in a fresh directory for every test. */
class H2StoreContractsTest {

    @Nested
    class RecordExportsOnH2 extends RecordExportsContract {
        @Override
        StoreBackend backend() {
            return StoreBackend.H2;
        }
    }

    @Nested
    class RunLogOnH2 extends RunLogContract {
        @Override
        StoreBackend backend() {
            return StoreBackend.H2;
        }
    }

    @Nested
    class LeasesOnH2 extends LeasesContract {
        @Override
        StoreBackend backend() {
            return StoreBackend.H2;
        }
    }

    @Nested
    class EventInboxOnH2 extends EventInboxContract {
        @Override
        StoreBackend backend() {
            return StoreBackend.H2;
        }
    }

    @Nested
    class CancelRequestsOnH2 extends CancelRequestsContract {
        @Override
        StoreBackend backend() {
            return StoreBackend.H2;
        }
    }

    @Nested
    class EscalationsOnH2 extends EscalationsContract {
        @Override
        StoreBackend backend() {
            return StoreBackend.H2;
        }
    }

    @Nested
    class TokensAndSealsOnH2 extends TokensAndSealsContract {
        @Override
        StoreBackend backend() {
            return StoreBackend.H2;
        }
    }

    @Nested
    class GameDaysOnH2 extends GameDaysContract {
        @Override
        StoreBackend backend() {
            return StoreBackend.H2;
        }
    }

    @Nested
    class RunSearchOnH2 extends RunSearchContract {
        @Override
        StoreBackend backend() {
            return StoreBackend.H2;
        }
    }

    @Nested
    class CommentsOnH2 extends CommentsContract {
        @Override
        StoreBackend backend() {
            return StoreBackend.H2;
        }
    }

    @Nested
    class RunStatsOnH2 extends RunStatsContract {
        @Override
        StoreBackend backend() {
            return StoreBackend.H2;
        }
    }
}
