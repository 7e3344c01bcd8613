package dev.pontoon.s3dest.catalog;

import dev.pontoon.s3dest.event.DestinationException;

/** The catalog was throttled or failed on its side (after the SDK's own retries); retrying the commit can help. */
public final class CatalogTransientException extends DestinationException {
    public CatalogTransientException(String message, Throwable cause) {
        super(message, null, cause);
    }
}
