package dev.pontoon.s3dest.trust;

import java.net.UnknownHostException;

/**
 * A host name whose addresses the endpoint policy refuses, raised from the HTTP clients' name lookup so that no
 * connection is made. An {@link UnknownHostException} so that every client treats it as a failed lookup, never
 * retried into a success.
 */
public final class RefusedAddressException extends UnknownHostException {
    private final String kind;

    RefusedAddressException(String host, String kind) {
        super(host + " is refused by the endpoint policy: it is " + kind);
        this.kind = kind;
    }

    /** What the host is, e.g. "a loopback address". */
    public String kind() {
        return kind;
    }
}
