package dev.pontoon.s3dest.testing;

import dev.pontoon.s3dest.trust.TrustPolicy;
import java.util.HashMap;
import java.util.Map;

/**
 * The function's environment as tests and local runs give it: the operator's allow-list names the loopback servers
 * they start on 127.0.0.1 (S3, STS, Glue and Iceberg stand-ins), and nothing else. A listener on another loopback
 * address (127.0.0.2) stays outside it: that is where tests pose an internal service.
 */
public final class Loopback {
    public static final String ALLOWED = "http://127.0.0.1:*";

    private Loopback() {}

    /** {@code S3DEST_ALLOWED_ENDPOINTS} for 127.0.0.1, plus the given name/value pairs. */
    public static Map<String, String> env(String... pairs) {
        Map<String, String> env = new HashMap<>();
        env.put(TrustPolicy.ALLOWED_ENDPOINTS, ALLOWED);
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return env;
    }

    /** This process's environment with the loopback allow-list added (the local runner's). */
    public static Map<String, String> processEnv() {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.putIfAbsent(TrustPolicy.ALLOWED_ENDPOINTS, ALLOWED);
        return env;
    }
}
