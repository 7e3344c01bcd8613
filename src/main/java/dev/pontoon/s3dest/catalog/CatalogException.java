package dev.pontoon.s3dest.catalog;

/**
 * The catalog refused a change and nothing was changed: access denied (naming the Glue action to grant), a
 * column whose type changed or that the model dropped, a missing database. Not retryable.
 */
public class CatalogException extends RuntimeException {
    public CatalogException(String message) {
        super(message);
    }

    public CatalogException(String message, Throwable cause) {
        super(message, cause);
    }
}
