package dev.pontoon.s3dest.catalog;

import dev.pontoon.s3dest.event.DestinationException;

/**
 * The catalog refused a change and nothing was changed: access denied (naming the Glue action to grant), a
 * column whose type changed or that the model dropped, a missing database. Not retryable.
 */
public class CatalogException extends DestinationException {
    public CatalogException(String message) {
        super(message, null, null);
    }

    public CatalogException(String message, Throwable cause) {
        super(message, null, cause);
    }
}
