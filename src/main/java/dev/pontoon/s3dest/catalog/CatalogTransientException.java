package dev.pontoon.s3dest.catalog;

/** The catalog was throttled or failed on its side (after the SDK's own retries); retrying the commit can help. */
public final class CatalogTransientException extends RuntimeException {
    public CatalogTransientException(String message, Throwable cause) {
        super(message, cause);
    }
}
