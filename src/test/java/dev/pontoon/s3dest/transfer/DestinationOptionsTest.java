package dev.pontoon.s3dest.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pontoon.s3dest.connection.ConnectionResult;
import dev.pontoon.s3dest.connection.ConnectionTester;
import dev.pontoon.s3dest.event.EventParser;
import dev.pontoon.s3dest.event.Json;
import dev.pontoon.s3dest.event.TransferResult;
import dev.pontoon.s3dest.parquet.WriterSettings;
import dev.pontoon.s3dest.s3.S3ClientFactory;
import dev.pontoon.s3dest.s3.S3PermanentException;
import dev.pontoon.s3dest.testing.Events;
import dev.pontoon.s3dest.testing.FaultProxy;
import dev.pontoon.s3dest.testing.Loopback;
import dev.pontoon.s3dest.testing.S3TestServer;
import dev.pontoon.s3dest.testing.StsStandIn;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Destination options on the wire: encryption, storage class, tags and content type on every request that creates
 * an object (recorded by a pass-through proxy where s3proxy does not implement the feature), and assume-role
 * against a local STS stand-in.
 */
class DestinationOptionsTest {
    private static final String TOKEN = "FwoGZXIvYXdzEBYaDH-assumed-session-token";
    private static S3TestServer server;
    private static FaultProxy proxy;
    private static StsStandIn sts;
    private static ExecutorService uploader;
    private static TransferService service;

    @BeforeAll
    static void start() throws Exception {
        server = S3TestServer.lenient();
        proxy = new FaultProxy(server.endpoint());
        sts = new StsStandIn(S3TestServer.ACCESS_KEY, S3TestServer.SECRET_KEY, TOKEN);
        uploader = Executors.newCachedThreadPool();
        service = new TransferService(
                new WriterSettings(64L << 20, 3000, 8L << 20, 1 << 20), 65536, factory(), Json.MAPPER, uploader);
    }

    @AfterAll
    static void stop() throws Exception {
        proxy.close();
        sts.close();
        server.close();
        uploader.shutdownNow();
    }

    private static S3ClientFactory factory() {
        return new S3ClientFactory(
                S3ClientFactory.Settings.defaults(),
                Loopback.env("AWS_ENDPOINT_URL_STS", sts.endpoint().toString()));
    }

    @Test
    void encryptionStorageClassTagsAndContentTypeGoOnEveryObjectCreated() throws Exception {
        String bucket = bucket();
        ObjectNode event = event(bucket, 6500);
        ObjectNode d = (ObjectNode) event.get("destination");
        d.put("sse", "AES256");
        d.put("storage_class", "STANDARD_IA");
        d.putObject("tags").put("team", "data").put("env", "prod & test");
        proxy.clear();
        TransferResult result = service.transfer(EventParser.transferEvent(event));
        assertThat(result.files()).hasSize(3);

        List<String> creates = heads("CREATE_MULTIPART");
        List<String> puts = heads("PUT_OBJECT");
        assertThat(creates).hasSize(2);
        assertThat(puts).hasSize(2); // the last, small file and the manifest
        for (String head : concat(creates, puts)) {
            assertThat(head.toLowerCase())
                    .contains(
                            "x-amz-server-side-encryption: aes256",
                            "x-amz-storage-class: standard_ia",
                            "x-amz-tagging: team=data&env=prod+%26+test");
        }
        assertThat(creates).allMatch(h -> h.contains("Content-Type: application/vnd.apache.parquet"));
        assertThat(puts.get(0)).contains("Content-Type: application/vnd.apache.parquet");
        assertThat(puts.get(1)).contains("/_manifests/").contains("Content-Type: application/json");
        try (S3Client s3 = server.client()) {
            assertThat(s3.headObject(r ->
                                    r.bucket(bucket).key(result.files().get(2).key()))
                            .contentType())
                    .isEqualTo("application/vnd.apache.parquet");
        }
    }

    @Test
    void sseKmsSendsTheKeyAndTheBucketKeyFlag() throws Exception {
        String bucket = bucket();
        ObjectNode event = event(bucket, 10);
        ObjectNode d = (ObjectNode) event.get("destination");
        d.put("sse", "aws:kms");
        d.put("kms_key_id", "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab");
        d.put("bucket_key_enabled", true);
        proxy.clear();
        service.transfer(EventParser.transferEvent(event));
        String put = heads("PUT_OBJECT").get(0).toLowerCase();
        assertThat(put)
                .contains(
                        "x-amz-server-side-encryption: aws:kms",
                        "x-amz-server-side-encryption-aws-kms-key-id: arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
                        "x-amz-server-side-encryption-bucket-key-enabled: true");
    }

    @Test
    void aRoleIsAssumedWithItsExternalIdBeforeWriting() throws Exception {
        String bucket = bucket();
        ObjectNode event = event(bucket, 10);
        ObjectNode d = (ObjectNode) event.get("destination");
        d.put("role_arn", "arn:aws:iam::123456789012:role/drop-zone");
        d.put("external_id", "pontoon-7c1d");
        d.put("role_session_name", "export-leads");
        proxy.clear();
        int before = sts.requests().size();
        TransferResult result = service.transfer(EventParser.transferEvent(event));
        assertThat(result.rows()).isEqualTo(10);
        Map<String, String> assume = sts.requests().get(before);
        assertThat(assume)
                .containsEntry("Action", "AssumeRole")
                .containsEntry("RoleArn", "arn:aws:iam::123456789012:role/drop-zone")
                .containsEntry("ExternalId", "pontoon-7c1d")
                .containsEntry("RoleSessionName", "export-leads");
        // Cached for the invocation: one AssumeRole for all the writes.
        assertThat(sts.requests()).hasSize(before + 1);
        assertThat(heads("PUT_OBJECT"))
                .isNotEmpty()
                .allMatch(h -> h.toLowerCase().contains("x-amz-security-token: " + TOKEN.toLowerCase()));
    }

    @Test
    void aFailedAssumeRoleSaysSoBeforeAnyS3Call() throws Exception {
        try (StsStandIn denying = new StsStandIn("x", "y", "z")) {
            denying.deny();
            TransferService denied = new TransferService(
                    new WriterSettings(64L << 20, 0, 8L << 20, 1 << 20),
                    65536,
                    new S3ClientFactory(
                            S3ClientFactory.Settings.defaults(),
                            Loopback.env(
                                    "AWS_ENDPOINT_URL_STS", denying.endpoint().toString())),
                    Json.MAPPER,
                    uploader);
            String bucket = bucket();
            ObjectNode event = event(bucket, 10);
            ((ObjectNode) event.get("destination")).put("role_arn", "arn:aws:iam::123456789012:role/drop-zone");
            proxy.clear();
            assertThatThrownBy(() -> denied.transfer(EventParser.transferEvent(event)))
                    .isInstanceOf(S3PermanentException.class)
                    .hasMessageStartingWith(
                            "AssumeRole arn:aws:iam::123456789012:role/drop-zone (before any S3 call) failed: "
                                    + "AccessDenied (User: arn:aws:iam::111111111111:user/exporter is not authorized");
            assertThat(proxy.log()).isEmpty();
        }
    }

    @Test
    void theStandardEndpointVariableIsUsedWhenTheDestinationNamesNone() throws Exception {
        String bucket = bucket();
        ObjectNode event = event(bucket, 10);
        ((ObjectNode) event.get("destination")).remove("endpoint_url");
        TransferService viaEnv = new TransferService(
                new WriterSettings(64L << 20, 0, 8L << 20, 1 << 20),
                65536,
                new S3ClientFactory(
                        S3ClientFactory.Settings.defaults(),
                        Loopback.env("AWS_ENDPOINT_URL_S3", proxy.endpoint().toString())),
                Json.MAPPER,
                uploader);
        proxy.clear();
        assertThat(viaEnv.transfer(EventParser.transferEvent(event)).rows()).isEqualTo(10);
        // Path-style on a custom endpoint: the bucket is in the path, not the host name.
        assertThat(heads("PUT_OBJECT"))
                .isNotEmpty()
                .allMatch(h -> h.startsWith("PUT_OBJECT\nPUT /" + bucket + "/opts/m/"));
    }

    @Test
    void theConnectionTestConfirmsTheProbeWasEncrypted() {
        String bucket = bucket();
        ObjectNode d = Events.destination(server, bucket, "probe");
        d.put("sse", "AES256");
        ConnectionResult result = new ConnectionTester(factory()).test(EventParser.destination(d));
        assertThat(result.success()).as(result.message()).isTrue();
        assertThat(result.checks()).anySatisfy(c -> {
            assertThat(c.name()).isEqualTo("encryption");
            assertThat(c.ok()).isTrue();
            assertThat(c.message()).isEqualTo("the probe was stored with AES256");
        });
    }

    @Test
    void theConnectionTestProbesAMultipartUploadWithTheDestinationsKmsKey() {
        String bucket = bucket();
        ObjectNode d = Events.destination(server, bucket, "probe");
        d.put("endpoint_url", proxy.endpoint().toString());
        d.put("sse", "aws:kms");
        d.put("kms_key_id", "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab");
        proxy.clear();
        // KMS lets the single PutObject through (say its grant covers it) but refuses the multipart upload's key.
        proxy.inject(FaultProxy.Op.CREATE_MULTIPART, 0, 1, FaultProxy.Fault.KMS_DENIED);
        // The proxy stands in for AWS S3: named as the operator's endpoint, its error text is repeated as AWS's is.
        S3ClientFactory operatorS3 = new S3ClientFactory(
                S3ClientFactory.Settings.defaults(),
                Loopback.env(
                        "AWS_ENDPOINT_URL_STS", sts.endpoint().toString(),
                        "AWS_ENDPOINT_URL_S3", proxy.endpoint().toString()));
        ConnectionResult result = new ConnectionTester(operatorS3).test(EventParser.destination(d));
        assertThat(result.success()).isFalse();
        assertThat(result.message())
                .isEqualTo("Access denied by KMS for kms:GenerateDataKey on "
                        + "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab (AccessDenied): grant "
                        + "kms:GenerateDataKey and kms:Decrypt on that key (writes with SSE-KMS need the first, multipart uploads "
                        + "both) to the access key's user or role");
        assertThat(result.checks())
                .extracting(c -> c.name() + "=" + c.ok())
                .contains("put_object=true", "delete_object=true", "multipart_upload=false");
        // Every request that creates an object carried the destination's encryption.
        assertThat(heads("CREATE_MULTIPART"))
                .isNotEmpty()
                .allMatch(h -> h.toLowerCase().contains("x-amz-server-side-encryption: aws:kms"));
    }

    @Test
    void theConnectionTestWritesAWholeMultipartObjectWithTheDestinationsSettings() {
        String bucket = bucket();
        ObjectNode d = Events.destination(server, bucket, "probe");
        d.put("endpoint_url", proxy.endpoint().toString());
        d.put("storage_class", "STANDARD_IA");
        d.putObject("tags").put("team", "data");
        proxy.clear();
        ConnectionResult result = new ConnectionTester(factory()).test(EventParser.destination(d));
        assertThat(result.success()).as(result.message()).isTrue();
        assertThat(result.checks())
                .extracting(ConnectionResult.Check::name)
                .containsExactly("put_object", "delete_object", "multipart_upload", "abort_multipart_upload");
        assertThat(proxy.log()).contains("UPLOAD_PART pass", "COMPLETE_MULTIPART pass", "ABORT_MULTIPART pass");
        assertThat(heads("CREATE_MULTIPART"))
                .hasSize(2)
                .allMatch(h -> h.toLowerCase().contains("x-amz-storage-class: standard_ia") && h.contains("team=data"));
        try (S3Client s3 = server.client()) {
            assertThat(s3.listObjectsV2(r -> r.bucket(bucket)).contents()).isEmpty();
            assertThat(s3.listMultipartUploads(r -> r.bucket(bucket)).uploads()).isEmpty();
        }
    }

    @Test
    void theConnectionTestNamesTheAssumeRoleItCouldNotDo() throws Exception {
        try (StsStandIn denying = new StsStandIn("x", "y", "z")) {
            denying.deny();
            ObjectNode d = Events.destination(server, bucket(), "probe");
            d.put("role_arn", "arn:aws:iam::123456789012:role/drop-zone");
            d.put("external_id", "pontoon-7c1d");
            ConnectionResult result = new ConnectionTester(new S3ClientFactory(
                            S3ClientFactory.Settings.defaults(),
                            Loopback.env(
                                    "AWS_ENDPOINT_URL_STS", denying.endpoint().toString())))
                    .test(EventParser.destination(d));
            assertThat(result.success()).isFalse();
            assertThat(result.checks()).extracting(ConnectionResult.Check::name).containsExactly("assume_role");
            assertThat(result.message())
                    .startsWith("Could not assume role arn:aws:iam::123456789012:role/drop-zone: ")
                    .endsWith(
                            "Grant sts:AssumeRole on arn:aws:iam::123456789012:role/drop-zone to the access key's user "
                                    + "or role, and let the role's trust policy allow it with this external_id")
                    .doesNotContain(S3TestServer.SECRET_KEY);
        }
    }

    @Test
    void theConnectionTestProbesReadingTheStagingPrefix() throws Exception {
        String bucket = bucket();
        String staging = bucket();
        try (S3Client s3 = server.client()) {
            s3.putObject(
                    r -> r.bucket(staging).key("stage/run-1/part-0.jsonl"),
                    software.amazon.awssdk.core.sync.RequestBody.fromString("{\"id\": 1}\n"));
        }
        ObjectNode event = Json.MAPPER.createObjectNode();
        event.set("destination", Events.destination(server, bucket, "probe"));
        event.putObject("source").put("bucket", staging).put("prefix", "stage/run-1/");
        ConnectionResult ok = new ConnectionTester(factory()).test(EventParser.connectionTest(event));
        assertThat(ok.success()).as(ok.message()).isTrue();
        assertThat(ok.checks()).last().satisfies(c -> {
            assertThat(c.name()).isEqualTo("read_sources");
            assertThat(c.message()).isEqualTo("listed s3://" + staging + "/stage/run-1/ and read an object");
        });

        ((ObjectNode) event.get("source")).put("bucket", "no-such-" + staging);
        ConnectionResult missing = new ConnectionTester(factory()).test(EventParser.connectionTest(event));
        assertThat(missing.success()).isFalse();
        assertThat(missing.message())
                .isEqualTo("Bucket 'no-such-" + staging + "' does not exist (NoSuchBucket): check source.bucket");
    }

    private static List<String> heads(String op) {
        return proxy.heads().stream().filter(h -> h.startsWith(op + "\n")).toList();
    }

    private static List<String> concat(List<String> a, List<String> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
    }

    private static ObjectNode event(String bucket, int rows) {
        ObjectNode dest = Events.destination(server, bucket, "opts");
        dest.put("endpoint_url", proxy.endpoint().toString());
        return Events.idPayload(dest, rows);
    }

    private static String bucket() {
        String bucket = "opt-" + UUID.randomUUID().toString().substring(0, 8);
        server.createBucket(bucket);
        return bucket;
    }
}
