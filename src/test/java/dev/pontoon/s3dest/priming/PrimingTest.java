package dev.pontoon.s3dest.priming;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pontoon.s3dest.handler.TransferBeans;
import dev.pontoon.s3dest.s3.S3ClientFactory;
import dev.pontoon.s3dest.testing.LogCapture;
import dev.pontoon.s3dest.testing.Loopback;
import org.junit.jupiter.api.Test;

/**
 * The SnapStart rehearsal runs the whole transfer path (inline, staged JSONL and CSV, every codec, multipart and
 * single uploads, the SQS envelope) and the connection test, in memory. Its destination is on {@code .invalid},
 * a name that never resolves (RFC 6761): had anything been sent, the rehearsal would have failed.
 */
class PrimingTest {
    private final S3ClientFactory clients = new S3ClientFactory(S3ClientFactory.Settings.defaults(), Loopback.env());

    @Test
    void theTransferRehearsalRunsEveryPathInMemory() throws Exception {
        Rehearsal.Report report;
        try (LogCapture logs = LogCapture.install()) {
            report = Rehearsal.rehearse(TransferBeans.defaultService(), clients, "transfer");
            assertThat(logs.all()).doesNotContain("rehearsal-only-not-a-credential");
        }
        assertThat(report.rows()).isEqualTo(3000 + RehearsalEvents.STAGED_ROWS + 1000 + 100);
        // several files of several parts each: creates, part uploads, completes, single puts, manifests, GETs
        assertThat(report.requests()).isGreaterThan(30);
    }

    @Test
    void theConnectionTestRehearsalRunsItsChecksInMemory() throws Exception {
        Rehearsal.Report report = Rehearsal.rehearse(TransferBeans.defaultService(), clients, "connection-test");
        assertThat(report.requests()).isGreaterThanOrEqualTo(4);
    }
}
