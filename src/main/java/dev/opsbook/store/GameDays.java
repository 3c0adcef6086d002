package dev.opsbook.store;

import java.util.List;
import java.util.Optional;

/**
 * Game days and their scenarios, kept in the store so that a drill's AWS calls are answered from its scenario on whichever
 * instance runs it (the run's {@code drill} names the game day). Thread-safe.
 */
public interface GameDays {

    /** Stores a new game day; {@link IllegalStateException} when its id is taken. */
    void create(GameDay gameDay);

    Optional<GameDay> gameDay(String id);

    /** The latest game days, newest first; a limit of zero or less lists them all. */
    List<GameDay> gameDays(int limit);
}
