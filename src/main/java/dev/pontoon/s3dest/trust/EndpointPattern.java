package dev.pontoon.s3dest.trust;

import java.net.URI;
import java.util.Locale;

/**
 * One entry of {@code S3DEST_ALLOWED_ENDPOINTS}: {@code scheme://host[:port]}, where {@code *} in the host stands for
 * exactly one DNS label and a port of {@code *} for any port. Without a port the scheme's default is meant.
 */
record EndpointPattern(String scheme, String[] hostLabels, int port) {
    static final int ANY_PORT = -2;

    static EndpointPattern parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        int sep = t.indexOf("://");
        if (sep <= 0) {
            throw new IllegalArgumentException(
                    "S3DEST_ALLOWED_ENDPOINTS: '" + text + "' is not scheme://host[:port] (e.g. http://127.0.0.1:*)");
        }
        String scheme = t.substring(0, sep);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("S3DEST_ALLOWED_ENDPOINTS: '" + text + "' must be http or https");
        }
        String rest = t.substring(sep + 3);
        if (rest.endsWith("/")) {
            rest = rest.substring(0, rest.length() - 1);
        }
        String host = rest;
        int port = defaultPort(scheme);
        int colon = rest.lastIndexOf(':');
        if (colon > rest.lastIndexOf(']')) {
            host = rest.substring(0, colon);
            String p = rest.substring(colon + 1);
            if (p.equals("*")) {
                port = ANY_PORT;
            } else {
                try {
                    port = Integer.parseInt(p);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("S3DEST_ALLOWED_ENDPOINTS: '" + text + "' has a bad port");
                }
            }
        }
        if (host.isEmpty() || host.contains("/") || host.contains("@")) {
            throw new IllegalArgumentException("S3DEST_ALLOWED_ENDPOINTS: '" + text + "' has no usable host");
        }
        return new EndpointPattern(scheme, host.split("\\.", -1), port);
    }

    boolean matches(URI uri) {
        if (uri.getScheme() == null || uri.getHost() == null) {
            return false;
        }
        if (!scheme.equals(uri.getScheme().toLowerCase(Locale.ROOT))) {
            return false;
        }
        int uriPort = uri.getPort() < 0 ? defaultPort(scheme) : uri.getPort();
        if (port != ANY_PORT && port != uriPort) {
            return false;
        }
        String[] labels = uri.getHost().toLowerCase(Locale.ROOT).split("\\.", -1);
        if (labels.length != hostLabels.length) {
            return false;
        }
        for (int i = 0; i < labels.length; i++) {
            if (!hostLabels[i].equals("*") && !hostLabels[i].equals(labels[i])) {
                return false;
            }
            if (hostLabels[i].equals("*") && labels[i].isEmpty()) {
                return false;
            }
        }
        return true;
    }

    static int defaultPort(String scheme) {
        return scheme.equals("http") ? 80 : 443;
    }

    @Override
    public String toString() {
        return scheme + "://" + String.join(".", hostLabels) + (port == ANY_PORT ? ":*" : ":" + port);
    }
}
