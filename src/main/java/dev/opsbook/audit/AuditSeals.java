package dev.opsbook.audit;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Where the end of each trail is kept apart from the trail (the store implements it): a trail
 * cut at its end still chains, and only a seal kept elsewhere tells. A trail is named by its file
 * name without {@code .audit.jsonl}: the run id, or {@code access-INSTANCE}. Implementations are
 * thread-safe.
 */
public interface AuditSeals {

    /** The seal the store keeps for {@code trail}, if any. */
    Optional<AuditSeal> seal(String trail);

    /**
     * Moves the seal of {@code trail} from {@code from} (empty: it has none yet) to {@code to}.
     *
     * @return false when the store holds another seal than {@code from}: it is left as it is
     */
    boolean advance(String trail, Optional<AuditSeal> from, AuditSeal to);

    /** Where seals are kept, for people: "H2 file ./.opsbook/store (single instance)". */
    String describe();

    /** Why {@code trail} has no seal here, for people. */
    default String noSeal(String trail) {
        return describe() + " holds no seal for " + trail;
    }

    /** No store could be reached: {@code why} says which and why. */
    static AuditSeals unavailable(String why) {
        return new AuditSeals() {
            @Override
            public Optional<AuditSeal> seal(String trail) {
                return Optional.empty();
            }

            @Override
            public boolean advance(String trail, Optional<AuditSeal> from, AuditSeal to) {
                return false;
            }

            @Override
            public String describe() {
                return why;
            }

            @Override
            public String noSeal(String trail) {
                return why;
            }
        };
    }

    /** No store: nothing is sealed, and no trail has a seal. */
    AuditSeals NONE = new AuditSeals() {
        @Override
        public Optional<AuditSeal> seal(String trail) {
            return Optional.empty();
        }

        @Override
        public boolean advance(String trail, Optional<AuditSeal> from, AuditSeal to) {
            return true;
        }

        @Override
        public String describe() {
            return "no store";
        }

        @Override
        public String noSeal(String trail) {
            return "no store was given";
        }
    };

    String SUFFIX = ".audit.jsonl";

    /** The name a trail file is sealed under: {@code RUN-ID.audit.jsonl} is {@code RUN-ID}. */
    static String nameOf(Path file) {
        String name = file.getFileName().toString();
        return name.endsWith(SUFFIX) ? name.substring(0, name.length() - SUFFIX.length()) : name;
    }
}
