package dev.pontoon.s3dest.s3;

import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/** Counts one client's S3 calls and HTTP attempts; the difference is the retries the SDK made. */
public final class S3CallStats implements ExecutionInterceptor {
    private final AtomicLong calls = new AtomicLong();
    private final AtomicLong attempts = new AtomicLong();

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        calls.incrementAndGet();
    }

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        attempts.incrementAndGet();
    }

    public long calls() {
        return calls.get();
    }

    public long retries() {
        return Math.max(0, attempts.get() - calls.get());
    }
}
