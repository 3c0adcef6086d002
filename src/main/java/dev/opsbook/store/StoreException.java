package dev.opsbook.store;

/** The store could not do what was asked: the database is unreachable, refused a statement, or its schema is not ours. */
public class StoreException extends RuntimeException {

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
