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
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
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
    private static final Pattern EXPECTED_REGION = Pattern.compile("expecting '([a-z0-9-]+)'");
    static final String PUT = "put_object";
    /** How a failure without an S3 answer starts; such a put is diagnosed again with a body-less request. */
    private static final String LOST_ANSWER = "Could not talk to S3 at ";

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

    /**
     * A tester whose every client has timeouts inside the policy's budget ({@code S3DEST_CONNECTION_TEST_BUDGET}):
     * a person is waiting on a form, so an unreachable or silent endpoint is reported within seconds.
     */
    public ConnectionTester(S3ClientFactory clients) {
        this.budget = clients.policy().connectionTestBudget();
        this.clients = clients.with(settingsWithin(budget));
        this.catalogs = new Catalogs(this.clients, fraction(budget, 5, 2), fraction(budget, 4, 3));
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
            Optional<String> putFailure = attempt(
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

            Optional<String> deleteFailure = attempt(
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
            if (destination.catalog() != null) {
                progress.step = CATALOG;
                checks.add(catalog(destination));
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
            String message =
                    "Connected: the function can write to s3://" + destination.bucket() + "/" + prefixPath(destination)
                            + (event.staging() == null
                                    ? ""
                                    : " and read s3://" + event.staging().bucket() + "/"
                                            + event.staging().prefix())
                            + (warnings.isEmpty() ? "" : ", with a warning: " + String.join("; ", warnings));
            return finish(true, message, done);
        }
    }

    /**
     * The catalog the commit will update: GetTable on the configured table, or on a probe name when the table is
     * named after the model (which the connection test does not know). A missing table is fine: the commit creates
     * it; a missing database or a refused call is not.
     */
    private Check catalog(DestinationConfig destination) {
        CatalogSpec spec = destination.catalog();
        String table = spec.table() != null ? spec.table() : "pontoon_connection_probe";
        try (TableCatalog catalog = catalogs.open(destination)) {
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
                        diagnose(e, named, "s3:GetObject", key).replace("check s3_bucket", "check source.bucket"));
            }
            // The key itself is not repeated: the staging prefix holds other runs' objects.
            return Check.passed(
                    READ_SOURCES, "listed s3://" + staging.bucket() + "/" + staging.prefix() + " and read an object");
        } catch (RuntimeException e) {
            return Check.failed(
                    READ_SOURCES,
                    diagnose(e, named, "s3:ListBucket", staging.prefix())
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
            String code =
                    e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
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
                return Optional.of(diagnose(e, destination, "s3:PutObject", probeKey));
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
                            + diagnose(e, destination, "s3:GetObject (HeadObject)", key) + "); writes still work");
        }
    }

    /**
     * What a transfer does with a file larger than one part, with the same encryption, storage class and tags:
     * CreateMultipartUpload (SSE-KMS needs kms:GenerateDataKey), UploadPart, CompleteMultipartUpload (SSE-KMS needs
     * kms:Decrypt), then DeleteObject of the result.
     */
    private Check multipartWrite(S3Client s3, DestinationConfig destination, String key) {
        ObjectTarget target = new ObjectTarget(destination.bucket(), key, "text/plain", destination.objects());
        String uploadId;
        try {
            uploadId = s3.createMultipartUpload(r -> target.applyTo(r)).uploadId();
        } catch (RuntimeException e) {
            return Check.failed(MULTIPART_WRITE, diagnose(e, destination, "s3:PutObject (CreateMultipartUpload)", key));
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
            String message = diagnose(e, destination, step, key);
            try {
                s3.abortMultipartUpload(
                        r -> r.bucket(destination.bucket()).key(key).uploadId(uploadId));
            } catch (RuntimeException ignored) {
                message += "; the test upload " + uploadId + " could not be aborted either";
            }
            return Check.failed(MULTIPART_WRITE, message);
        }
        Optional<String> deleteFailure = attempt(
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

    /** What a failed transfer does: create a multipart upload and abort it. A refused abort is only a warning. */
    private Check multipart(S3Client s3, DestinationConfig destination, String key) {
        ObjectTarget target = new ObjectTarget(destination.bucket(), key, "text/plain", destination.objects());
        String uploadId;
        try {
            uploadId = s3.createMultipartUpload(r -> target.applyTo(r)).uploadId();
        } catch (RuntimeException e) {
            return Check.failed(MULTIPART, diagnose(e, destination, "s3:PutObject (CreateMultipartUpload)", key));
        }
        try {
            s3.abortMultipartUpload(r -> r.bucket(destination.bucket()).key(key).uploadId(uploadId));
            return Check.passed(MULTIPART, "created and aborted a multipart upload");
        } catch (RuntimeException e) {
            return Check.warned(
                    MULTIPART,
                    diagnose(e, destination, "s3:AbortMultipartUpload", key)
                            + ". Transfers work, but a failed one cannot clean up its parts; grant s3:AbortMultipartUpload or add an "
                            + "AbortIncompleteMultipartUpload lifecycle rule (the empty test upload " + uploadId
                            + " stays until then)");
        }
    }

    private Optional<String> attempt(Runnable call, DestinationConfig destination, String action, String key) {
        try {
            call.run();
            return Optional.empty();
        } catch (RuntimeException e) {
            return Optional.of(diagnose(e, destination, action, key));
        }
    }

    /** Turns an SDK failure into a cause a person can act on. Never includes a secret. */
    String diagnose(RuntimeException e, DestinationConfig destination, String action, String key) {
        String bucket = destination.bucket();
        if (e instanceof S3Exception s3) {
            String code =
                    s3.awsErrorDetails() == null ? null : s3.awsErrorDetails().errorCode();
            String detail = s3.awsErrorDetails() == null
                    ? s3.getMessage()
                    : s3.awsErrorDetails().errorMessage();
            String region = bucketRegion(s3);
            if (code == null) {
                code = "HTTP " + s3.statusCode();
            }
            switch (code) {
                case "InvalidAccessKeyId":
                    return "The access key id " + maskedKeyId(destination)
                            + " is not known to AWS (InvalidAccessKeyId): " + "check aws_access_key_id";
                case "SignatureDoesNotMatch":
                    return "The secret access key does not match the access key id " + maskedKeyId(destination)
                            + " (SignatureDoesNotMatch): check aws_secret_access_key";
                case "NoSuchBucket":
                    return "Bucket '" + bucket + "' does not exist (NoSuchBucket): check s3_bucket";
                case "PermanentRedirect", "AuthorizationHeaderMalformed", "IllegalLocationConstraintException":
                    return wrongRegion(destination, code, region);
                case "AccessDenied", "AllAccessDisabled":
                    if (KMS_ACTION.matcher(String.valueOf(detail)).find()) {
                        return kmsDenied(destination, detail);
                    }
                    return "Access denied for " + action + " on arn:aws:s3:::" + bucket + "/" + prefixPath(destination)
                            + "*"
                            + " (" + code + "): grant " + action.replaceAll(" .*", "") + " on that resource to "
                            + (destination.hasStaticKeys() ? "the access key's user or role" : "the function's role")
                            + tagsHint(destination, action);
                case "InvalidToken", "ExpiredToken", "TokenRefreshRequired":
                    return "The session token was refused (" + code + "): refresh aws_session_token";
                default:
                    if (s3.statusCode() == 301 || region != null && s3.statusCode() == 400) {
                        return wrongRegion(destination, code, region);
                    }
                    return "S3 refused " + action + " on s3://" + bucket + "/" + key + ": " + code
                            + (detail == null ? "" : " (" + detail + ")");
            }
        }
        if (e instanceof ApiCallTimeoutException
                || e instanceof ApiCallAttemptTimeoutException
                || S3Errors.causeOf(e, SocketTimeoutException.class) != null) {
            return "The S3 endpoint " + endpointName(destination) + " did not answer in time: check endpoint_url, "
                    + "the network path (VPC endpoint, NAT, proxy) and that the service is up";
        }
        Throwable refused = S3Errors.causeOf(e, dev.pontoon.s3dest.trust.RefusedAddressException.class);
        if (refused != null) {
            return "The S3 endpoint " + endpointName(destination) + " was not contacted: " + refused.getMessage();
        }
        if (S3Errors.causeOf(e, UnknownHostException.class) != null) {
            return "The S3 endpoint " + endpointName(destination) + " could not be resolved (unknown host): check "
                    + "endpoint_url and s3_region, and DNS from the function's network";
        }
        if (S3Errors.causeOf(e, ConnectException.class) != null
                || S3Errors.causeOf(e, NoRouteToHostException.class) != null) {
            return "The S3 endpoint " + endpointName(destination) + " is unreachable (connection refused or no route): "
                    + "check endpoint_url and the network path from the function";
        }
        if (e instanceof SdkClientException) {
            return LOST_ANSWER + endpointName(destination) + ": " + e.getMessage();
        }
        LOG.warnf("unexpected failure in the connection test: %s", e.toString());
        return "Unexpected failure: " + e.getClass().getSimpleName();
    }

    private String wrongRegion(DestinationConfig destination, String code, String region) {
        String configured = clients.region(destination);
        if (region != null) {
            return "Bucket '" + destination.bucket() + "' is in region " + region + ", not " + configured + " (" + code
                    + "): set s3_region to " + region;
        }
        return "Bucket '" + destination.bucket() + "' is not in region " + configured + " (" + code
                + "): set s3_region to the bucket's region";
    }

    /** The region S3 names, from the {@code x-amz-bucket-region} header or the error message. */
    private static String bucketRegion(S3Exception e) {
        if (e.awsErrorDetails() != null && e.awsErrorDetails().sdkHttpResponse() != null) {
            Optional<String> header = e.awsErrorDetails().sdkHttpResponse().firstMatchingHeader("x-amz-bucket-region");
            if (header.isPresent()) {
                return header.get();
            }
        }
        String message = e.awsErrorDetails() == null
                ? e.getMessage()
                : e.awsErrorDetails().errorMessage();
        if (message != null) {
            Matcher m = EXPECTED_REGION.matcher(message);
            if (m.find()) {
                return m.group(1);
            }
        }
        return null;
    }

    private static final Pattern KMS_ACTION = Pattern.compile("kms:[A-Za-z*]+");

    /** S3 refused because KMS refused: name the KMS action and the key, which a bucket policy cannot grant. */
    private static String kmsDenied(DestinationConfig destination, String detail) {
        Matcher action = KMS_ACTION.matcher(detail);
        action.find();
        String key = destination.objects().kmsKeyId() != null
                ? destination.objects().kmsKeyId()
                : "the bucket's default KMS key";
        return "Access denied by KMS for " + action.group() + " on " + key
                + " (AccessDenied): grant kms:GenerateDataKey "
                + "and kms:Decrypt on that key (writes with SSE-KMS need the first, multipart uploads both) to "
                + (destination.hasStaticKeys() ? "the access key's user or role" : "the function's role");
    }

    private static String tagsHint(DestinationConfig destination, String action) {
        return !destination.objects().tags().isEmpty() && action.startsWith("s3:PutObject")
                ? " (objects are tagged: that also needs s3:PutObjectTagging)"
                : "";
    }

    private String endpointName(DestinationConfig destination) {
        var endpoint = clients.endpoint(destination);
        return endpoint != null ? endpoint.toString() : "s3." + clients.region(destination) + ".amazonaws.com";
    }

    private static String maskedKeyId(DestinationConfig destination) {
        String id = destination.accessKeyId();
        if (id == null) {
            return "of the function's role";
        }
        return id.length() <= 4 ? "****" : "****" + id.substring(id.length() - 4);
    }

    private static String prefixPath(DestinationConfig destination) {
        return destination.prefix().isEmpty() ? "" : destination.prefix() + "/";
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
