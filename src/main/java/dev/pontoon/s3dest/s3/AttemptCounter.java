package dev.pontoon.s3dest.s3;

import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/**
 * Counts the HTTP attempts of a call that carries {@link #ATTEMPTS}. A CreateMultipartUpload that needed a retry may
 * have created an upload whose answer was lost; the stream then sweeps its key for such orphans.
 */
final class AttemptCounter implements ExecutionInterceptor {
    static final ExecutionAttribute<AtomicInteger> ATTEMPTS = new ExecutionAttribute<>("s3dest.attempts");

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        AtomicInteger attempts = attributes.getAttribute(ATTEMPTS);
        if (attempts != null) {
            attempts.incrementAndGet();
        }
    }
}
