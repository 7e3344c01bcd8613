package dev.pontoon.s3dest.connection;

import dev.pontoon.s3dest.catalog.CatalogException;
import dev.pontoon.s3dest.catalog.CatalogTransientException;
import dev.pontoon.s3dest.catalog.Catalogs;
import dev.pontoon.s3dest.catalog.TableCatalog;
import dev.pontoon.s3dest.catalog.TableDefinition;
import dev.pontoon.s3dest.connection.ConnectionResult.Check;
import dev.pontoon.s3dest.event.CatalogSpec;
import dev.pontoon.s3dest.event.ConnectionTestEvent;
import dev.pontoon.s3dest.event.DestinationConfig;
import dev.pontoon.s3dest.event.StagingPrefix;
import dev.pontoon.s3dest.s3.ObjectTarget;
import dev.pontoon.s3dest.s3.S3ClientFactory;
import dev.pontoon.s3dest.s3.S3Errors;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jboss.logging.Logger;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Checks that a destination can take a transfer: puts a probe object under the prefix and deletes it, then
 * creates and aborts a multipart upload (what a transfer does with files larger than a part). Every S3 failure
 * becomes a message naming the cause a person can act on; nothing here throws for an S3 answer.
 */
public final class ConnectionTester {
    private static final Logger LOG = Logger.getLogger(ConnectionTester.class);
    static final String PUT = "put_object";
    /** How a failure without an S3 answer starts; such a put is diagnosed again with a body-less request. */
    static final String LOST_ANSWER = "Could not talk to S3 at ";

    static final String DELETE = "delete_object";
    static final String MULTIPART = "abort_multipart_upload";
    static final String ENCRYPTION = "encryption";
    static final String MULTIPART_WRITE = "multipart_upload";
    static final String CREDENTIALS = "credentials";
    static final String ASSUME_ROLE = "assume_role";
    static final String READ_SOURCES = "read_sources";
    static final String CATALOG = "catalog";

    static final String ENDPOINT = "endpoint";

    private final S3ClientFactory clients;
    private final Catalogs catalogs;
    private final Duration budget;
    private final S3Diagnosis diagnosis;

    /**
     * A tester whose every client has timeouts inside the policy's budget ({@code S3DEST_CONNECTION_TEST_BUDGET}):
     * a person is waiting on a form, so an unreachable or silent endpoint is reported within seconds.
     */
    public ConnectionTester(S3ClientFactory clients) {
        this.budget = clients.policy().connectionTestBudget();
        this.clients = clients.with(settingsWithin(budget));
        this.catalogs = new Catalogs(this.clients, fraction(budget, 5, 2), fraction(budget, 4, 3));
        this.diagnosis = new S3Diagnosis(this.clients);
    }

    /** One try of a call stays well inside the budget; two tries of a step may not exceed it either. */
    static S3ClientFactory.Settings settingsWithin(Duration budget) {
        return new S3ClientFactory.Settings(fraction(budget, 5, 2), fraction(budget, 4, 3), fraction(budget, 3, 4), 2);
    }

    /** {@code budget / divisor}, at most {@code capSeconds}, at least 100 ms. */
    private static Duration fraction(Duration budget, int divisor, int capSeconds) {
        long millis = Math.min(budget.toMillis() / divisor, capSeconds * 1000L);
        return Duration.ofMillis(Math.max(100, millis));
    }

    public ConnectionResult test(DestinationConfig destination) {
        return test(new ConnectionTestEvent(destination, null));
    }

    /** What has been checked so far, and the step under way: what a test that ran out of time reports. */
    private static final class Progress {
        final List<Check> checks = java.util.Collections.synchronizedList(new ArrayList<>());
        volatile String step = CREDENTIALS;
    }

    /**
     * Always answers within the budget: the probes run on their own thread, and if they have not finished when the
     * budget is spent, the result names the step that did not answer (its clients' own timeouts end it soon after).
     */
    public ConnectionResult test(ConnectionTestEvent event) {
        Progress progress = new Progress();
        java.util.concurrent.FutureTask<ConnectionResult> task =
                new java.util.concurrent.FutureTask<>(() -> run(event, progress));
        Thread worker = new Thread(task, "connection-test");
        worker.setDaemon(true);
        worker.start();
        try {
            return task.get(budget.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            worker.interrupt();
            String step = progress.step;
            String message = "The connection test did not finish within " + budget.toMillis() / 1000.0 + " s: step "
                    + step + " did not answer in time; check the endpoint and the network path to it";
            List<Check> checks;
            synchronized (progress.checks) {
                checks = new ArrayList<>(progress.checks);
            }
            checks.add(Check.failed(step, "did not answer within the connection test's budget"));
            return finish(false, message, checks);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            worker.interrupt();
            return finish(false, "The connection test was interrupted", List.of());
        } catch (java.util.concurrent.ExecutionException e) {
            LOG.warnf(
                    "unexpected failure in the connection test: %s",
                    e.getCause().getClass().getName());
            return finish(
                    false, "Unexpected failure: " + e.getCause().getClass().getSimpleName(), List.of());
        }
    }

    /**
     * Probes what a transfer does, with the destination's own settings (encryption, KMS key, storage class, tags,
     * assumed role): the client and its credentials, a small PutObject, reading its encryption back, DeleteObject,
     * a whole multipart upload (create, one part, complete, delete) and an aborted one, and, when a staging prefix
     * is given, listing and reading it.
     */
    private ConnectionResult run(ConnectionTestEvent event, Progress progress) {
        DestinationConfig destination = event.destination();
        String probeKey = probeKey(destination.prefix());
        List<Check> checks = progress.checks;
        S3Client s3;
        progress.step = destination.role() != null ? ASSUME_ROLE : CREDENTIALS;
        try {
            s3 = clients.create(destination);
        } catch (dev.pontoon.s3dest.event.InvalidEventException e) {
            // Refused by the trust policy before any request: the endpoint, or the role.
            String name = e.getMessage().startsWith("destination.role_arn")
                            || e.getMessage().startsWith("destination.external_id")
                    ? ASSUME_ROLE
                    : ENDPOINT;
            checks.add(Check.failed(name, e.getMessage()));
            return finish(false, e.getMessage(), checks);
        } catch (RuntimeException e) {
            String message = clientFailure(destination, e);
            checks.add(Check.failed(destination.role() != null ? ASSUME_ROLE : CREDENTIALS, message));
            return finish(false, message, checks);
        }
        try (s3) {
            if (destination.role() != null) {
                checks.add(Check.passed(
                        ASSUME_ROLE, "assumed " + destination.role().roleArn()));
            }
            // An empty body: a server that refuses the request answers before reading any body, and a client still
            // writing one would see a broken connection instead of the answer that names the cause.
            progress.step = PUT;
            ObjectTarget probe = new ObjectTarget(destination.bucket(), probeKey, "text/plain", destination.objects());
            Optional<String> putFailure = diagnosis.attempt(
                    () -> s3.putObject(
                            r -> probe.applyTo(r).metadata(java.util.Map.of("purpose", "pontoon-connection-test")),
                            RequestBody.empty()),
                    destination,
                    "s3:PutObject",
                    probeKey);
            if (putFailure.isPresent() && putFailure.get().startsWith(LOST_ANSWER)) {
                putFailure = Optional.of(rediagnose(s3, destination, probeKey).orElse(putFailure.get()));
            }
            if (putFailure.isPresent()) {
                checks.add(Check.failed(PUT, putFailure.get()));
                checks.add(Check.skipped(DELETE));
                checks.add(Check.skipped(MULTIPART_WRITE));
                checks.add(Check.skipped(MULTIPART));
                return finish(false, putFailure.get(), checks);
            }
            checks.add(Check.passed(PUT, "wrote s3://" + destination.bucket() + "/" + probeKey));
            if (destination.objects().sse() != null) {
                progress.step = ENCRYPTION;
                checks.add(encryption(s3, destination, probeKey));
            }
            progress.step = DELETE;

            Optional<String> deleteFailure = diagnosis.attempt(
                    () -> s3.deleteObject(r -> r.bucket(destination.bucket()).key(probeKey)),
                    destination,
                    "s3:DeleteObject",
                    probeKey);
            if (deleteFailure.isPresent()) {
                String message = deleteFailure.get() + "; the probe object s3://" + destination.bucket() + "/"
                        + probeKey + " was left behind: delete it by hand";
                checks.add(Check.failed(DELETE, message));
                checks.add(Check.skipped(MULTIPART_WRITE));
                checks.add(Check.skipped(MULTIPART));
                return finish(false, message, checks);
            }
            checks.add(Check.passed(DELETE, "deleted the probe object"));

            progress.step = MULTIPART_WRITE;
            checks.add(multipartWrite(s3, destination, probeKey + ".multipart"));
            progress.step = MULTIPART;
            checks.add(multipart(s3, destination, probeKey + ".aborted"));
            if (event.staging() != null) {
                progress.step = READ_SOURCES;
                checks.add(staging(destination, event.staging()));
            }
            for (CatalogSpec spec : destination.catalogs()) {
                progress.step = CATALOG;
                checks.add(catalog(destination, spec));
            }
            List<Check> done;
            synchronized (checks) {
                done = new ArrayList<>(checks);
            }
            List<Check> failed =
                    done.stream().filter(c -> !c.ok() && !c.warning()).toList();
            if (!failed.isEmpty()) {
                return finish(false, failed.get(0).message(), done);
            }
            List<String> warnings =
                    done.stream().filter(Check::warning).map(Check::message).toList();
            String message = "Connected: the function can write to s3://" + destination.bucket() + "/"
                    + diagnosis.prefixPath(destination)
                    + (event.staging() == null
                            ? ""
                            : " and read s3://" + event.staging().bucket() + "/"
                                    + event.staging().prefix())
                    + (warnings.isEmpty() ? "" : ", with a warning: " + String.join("; ", warnings));
            return finish(true, message, done);
        }
    }

    /**
     * A catalog the commit will update: GetTable on the configured table, or on a probe name when the table is
     * named after the model (which the connection test does not know); for Delta, a listing of the destination's
     * prefix, where every model's log will be, and off AWS whether the store honours conditional writes. A missing
     * table is fine: the commit creates it; a missing database or a refused call is not. One check per configured
     * catalog, in the order given.
     */
    private Check catalog(DestinationConfig destination, CatalogSpec spec) {
        String table = spec.table() != null ? spec.table() : "pontoon_connection_probe";
        try (TableCatalog catalog = catalogs.open(destination, spec)) {
            return Check.passed(
                    CATALOG,
                    catalog.probe(new TableDefinition(
                            spec.namespace(), table, destination.bucket(), destination.prefix(), java.util.List.of())));
        } catch (CatalogException | CatalogTransientException | dev.pontoon.s3dest.event.InvalidEventException e) {
            return Check.failed(CATALOG, e.getMessage().replace("; nothing was committed", ""));
        } catch (RuntimeException e) {
            return Check.failed(
                    CATALOG,
                    "Could not reach the catalog: " + e.getClass().getSimpleName()
                            + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")"));
        }
    }

    /** Why no client could be built: the assumed role refused, or no credentials at all. */
    private String clientFailure(DestinationConfig destination, RuntimeException e) {
        if (destination.role() != null) {
            String arn = destination.role().roleArn();
            return "Could not assume role " + arn + ": " + e.getMessage() + ". Grant sts:AssumeRole on " + arn + " to "
                    + (destination.hasStaticKeys() ? "the access key's user or role" : "the function's role")
                    + ", and let the role's trust policy allow it"
                    + (destination.role().externalId() != null ? " with this external_id" : "");
        }
        return "Could not set up an S3 client (no usable credentials): " + e.getMessage();
    }

    /**
     * Reading staged sources: ListObjectsV2 of the prefix ({@code s3:ListBucket}, which the commit needs) and the
     * first byte of its first object ({@code s3:GetObject}), with the destination's credentials, as a transfer reads.
     */
    private Check staging(DestinationConfig destination, StagingPrefix staging) {
        try {
            clients.policy().checkStaging("source.prefix", staging.bucket(), staging.prefix());
        } catch (dev.pontoon.s3dest.event.InvalidEventException e) {
            return Check.failed(READ_SOURCES, e.getMessage());
        }
        DestinationConfig named = destination.reading(
                staging.bucket(), staging.prefix(), staging.region(), staging.endpoint(), "source.endpoint_url");
        S3Client client;
        try {
            client = clients.create(named);
        } catch (dev.pontoon.s3dest.event.InvalidEventException e) {
            return Check.failed(READ_SOURCES, e.getMessage());
        }
        try (S3Client s3 = client) {
            var listing = s3.listObjectsV2(
                    r -> r.bucket(staging.bucket()).prefix(staging.prefix()).maxKeys(1));
            if (listing.contents().isEmpty()) {
                return Check.passed(
                        READ_SOURCES,
                        "listed s3://" + staging.bucket() + "/" + staging.prefix()
                                + ": no objects yet, so reading one was not tried");
            }
            String key = listing.contents().get(0).key();
            try {
                s3.getObject(r -> r.bucket(staging.bucket()).key(key).range("bytes=0-0"))
                        .abort();
            } catch (RuntimeException e) {
                return Check.failed(
                        READ_SOURCES,
                        diagnosis
                                .diagnose(e, named, "s3:GetObject", key)
                                .replace("check s3_bucket", "check source.bucket"));
            }
            // The key itself is not repeated: the staging prefix holds other runs' objects.
            return Check.passed(
                    READ_SOURCES, "listed s3://" + staging.bucket() + "/" + staging.prefix() + " and read an object");
        } catch (RuntimeException e) {
            return Check.failed(
                    READ_SOURCES,
                    diagnosis
                            .diagnose(e, named, "s3:ListBucket", staging.prefix())
                            .replace(
                                    "arn:aws:s3:::" + staging.bucket() + "/"
                                            + (staging.prefix().isEmpty() ? "" : staging.prefix() + "/") + "*",
                                    "arn:aws:s3:::" + staging.bucket() + " (prefix " + staging.prefix() + ")")
                            .replace("check s3_bucket", "check source.bucket"));
        }
    }

    /**
     * A server that refuses a request may answer and close before the client has sent the body, so the client sees a
     * broken connection instead of the answer. A request without a body (GetObject of the probe key) then gets the
     * answer that names the cause: a bad key, secret or token, a missing bucket, a wrong region. Anything else keeps
     * the original message.
     */
    private Optional<String> rediagnose(S3Client s3, DestinationConfig destination, String probeKey) {
        try {
            s3.getObject(r -> r.bucket(destination.bucket()).key(probeKey)).abort();
            return Optional.empty();
        } catch (S3Exception e) {
            String code = S3Errors.errorCode(e);
            if (code != null
                    && switch (code) {
                        case "InvalidAccessKeyId",
                                "SignatureDoesNotMatch",
                                "NoSuchBucket",
                                "PermanentRedirect",
                                "AuthorizationHeaderMalformed",
                                "InvalidToken",
                                "ExpiredToken" -> true;
                        default -> false;
                    }) {
                return Optional.of(diagnosis.diagnose(e, destination, "s3:PutObject", probeKey));
            }
            return Optional.empty();
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Reads the probe's encryption back (HeadObject); a missing s3:GetObject only leaves it unconfirmed. */
    private Check encryption(S3Client s3, DestinationConfig destination, String key) {
        String wanted = destination.objects().sse();
        try {
            var head = s3.headObject(r -> r.bucket(destination.bucket()).key(key));
            String stored = head.serverSideEncryptionAsString();
            String storedKey = head.ssekmsKeyId();
            boolean keyMatches = destination.objects().kmsKeyId() == null
                    || storedKey == null
                    || storedKey.endsWith(destination.objects().kmsKeyId());
            if (wanted.equals(stored) && keyMatches) {
                return Check.passed(
                        ENCRYPTION,
                        "the probe was stored with " + stored + (storedKey == null ? "" : " (key " + storedKey + ")"));
            }
            return Check.failed(
                    ENCRYPTION,
                    "the probe was stored with " + (stored == null ? "no server-side encryption" : stored)
                            + (storedKey == null ? "" : " (key " + storedKey + ")") + ", not the requested " + wanted
                            + (destination.objects().kmsKeyId() == null
                                    ? ""
                                    : " (key " + destination.objects().kmsKeyId() + ")"));
        } catch (RuntimeException e) {
            return Check.warned(
                    ENCRYPTION,
                    "could not read the probe's encryption back ("
                            + diagnosis.diagnose(e, destination, "s3:GetObject (HeadObject)", key)
                            + "); writes still work");
        }
    }

    /**
     * What a transfer does with a file larger than one part, with the same encryption, storage class and tags:
     * CreateMultipartUpload (SSE-KMS needs kms:GenerateDataKey), UploadPart, CompleteMultipartUpload (SSE-KMS needs
     * kms:Decrypt), then DeleteObject of the result.
     */
    private Check multipartWrite(S3Client s3, DestinationConfig destination, String key) {
        String uploadId;
        try {
            uploadId = createUpload(s3, destination, key);
        } catch (RuntimeException e) {
            return Check.failed(
                    MULTIPART_WRITE, diagnosis.diagnose(e, destination, "s3:PutObject (CreateMultipartUpload)", key));
        }
        String step = "s3:PutObject (UploadPart)";
        try {
            String etag = s3.uploadPart(
                            r -> r.bucket(destination.bucket())
                                    .key(key)
                                    .uploadId(uploadId)
                                    .partNumber(1),
                            RequestBody.fromBytes(new byte[] {'p'}))
                    .eTag();
            step = "s3:PutObject (CompleteMultipartUpload)";
            s3.completeMultipartUpload(r -> r.bucket(destination.bucket())
                    .key(key)
                    .uploadId(uploadId)
                    .multipartUpload(m -> m.parts(p -> p.partNumber(1).eTag(etag))));
        } catch (RuntimeException e) {
            String message = diagnosis.diagnose(e, destination, step, key);
            try {
                s3.abortMultipartUpload(
                        r -> r.bucket(destination.bucket()).key(key).uploadId(uploadId));
            } catch (RuntimeException ignored) {
                message += "; the test upload " + uploadId + " could not be aborted either";
            }
            return Check.failed(MULTIPART_WRITE, message);
        }
        Optional<String> deleteFailure = diagnosis.attempt(
                () -> s3.deleteObject(r -> r.bucket(destination.bucket()).key(key)),
                destination,
                "s3:DeleteObject",
                key);
        if (deleteFailure.isPresent()) {
            return Check.failed(
                    MULTIPART_WRITE,
                    deleteFailure.get() + "; the probe object s3://" + destination.bucket() + "/" + key
                            + " was left behind: delete it by hand");
        }
        return Check.passed(MULTIPART_WRITE, "wrote and deleted a multipart object with the destination's settings");
    }

    /** A multipart upload with the destination's object settings, as a transfer starts one; its id. */
    private static String createUpload(S3Client s3, DestinationConfig destination, String key) {
        ObjectTarget target = new ObjectTarget(destination.bucket(), key, "text/plain", destination.objects());
        return s3.createMultipartUpload(r -> target.applyTo(r)).uploadId();
    }

    /** What a failed transfer does: create a multipart upload and abort it. A refused abort is only a warning. */
    private Check multipart(S3Client s3, DestinationConfig destination, String key) {
        String uploadId;
        try {
            uploadId = createUpload(s3, destination, key);
        } catch (RuntimeException e) {
            return Check.failed(
                    MULTIPART, diagnosis.diagnose(e, destination, "s3:PutObject (CreateMultipartUpload)", key));
        }
        try {
            s3.abortMultipartUpload(r -> r.bucket(destination.bucket()).key(key).uploadId(uploadId));
            return Check.passed(MULTIPART, "created and aborted a multipart upload");
        } catch (RuntimeException e) {
            return Check.warned(
                    MULTIPART,
                    diagnosis.diagnose(e, destination, "s3:AbortMultipartUpload", key)
                            + ". Transfers work, but a failed one cannot clean up its parts; grant s3:AbortMultipartUpload or add an "
                            + "AbortIncompleteMultipartUpload lifecycle rule (the empty test upload " + uploadId
                            + " stays until then)");
        }
    }

    /** Under the prefix, so a policy scoped to it passes; the underscore keeps query engines from reading it. */
    static String probeKey(String prefix) {
        return (prefix.isEmpty() ? "" : prefix + "/") + "_pontoon_connection_test_"
                + Instant.now().toEpochMilli() + "_"
                + UUID.randomUUID().toString().substring(0, 8) + ".txt";
    }

    private static ConnectionResult finish(boolean success, String message, List<Check> checks) {
        LOG.infof("connection test: %s: %s", success ? "ok" : "failed", message);
        return new ConnectionResult(success, message, checks);
    }
}
