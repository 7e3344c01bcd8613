package dev.pontoon.s3dest.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EventParserTest {
    private static final String DEST =
            "\"destination\": {\"s3_bucket\": \"s3://my-bucket\", \"s3_prefix\": \"/exports/\","
                    + " \"s3_region\": \"eu-west-1\", \"aws_access_key_id\": \"AKIAEXAMPLE0001\", \"aws_secret_access_key\": \"very-secret\","
                    + " \"compression\": \"ZSTD\", \"endpoint_url\": \"http://127.0.0.1:9000\"}";
    private static final String MODEL =
            "\"model\": {\"name\": \"leads\", \"columns\": [{\"name\": \"id\", \"type\": \"bigint\","
                    + " \"nullable\": false}, {\"name\": \"amount\", \"type\": \"DECIMAL(12, 2)\"}], \"primary_key\": \"id\"}";

    @Test
    void aModelWiderThanTheLimitIsRefusedDeclaredOrInferred() {
        StringBuilder cols = new StringBuilder();
        for (int c = 0; c <= ModelSpec.MAX_COLUMNS; c++) {
            cols.append(c == 0 ? "" : ",").append("{\"name\": \"c").append(c).append("\", \"type\": \"int\"}");
        }
        String wide = "{\"transfer_started_at\": \"2025-09-25T13:22:33Z\", " + DEST + ", \"model\": {\"name\": \"m\","
                + " \"columns\": [" + cols + "]}, \"rows\": []}";
        assertThatThrownBy(() -> EventParser.transferEvent(Json.read(wide)))
                .isInstanceOf(InvalidEventException.class)
                .hasMessage("model.columns: 10001 columns; a model may have at most 10000");
        StringBuilder keys = new StringBuilder("{");
        for (int c = 0; c <= ModelSpec.MAX_COLUMNS; c++) {
            keys.append(c == 0 ? "" : ",").append("\"k").append(c).append("\": 1");
        }
        java.util.List<com.fasterxml.jackson.databind.JsonNode> rows = java.util.List.of(Json.read(keys + "}"));
        assertThatThrownBy(() -> dev.pontoon.s3dest.source.ColumnInference.infer(rows))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageStartingWith("rows[0] (row 1): the rows would be inferred as more than 10000 columns");
    }

    @Test
    void aFullEventIsParsedAndNormalised() {
        TransferEvent e = EventParser.transferEvent(Json.read("{\"transfer_id\": \"t1\", \"batch_id\": 42,"
                + " \"transfer_started_at\": \"2025-09-25T15:22:33.123+02:00\", \"file_index_start\": 3, " + DEST + ", "
                + MODEL + ", \"rows\": []}"));
        assertThat(e.batchId()).isEqualTo("42");
        assertThat(e.transferStartedAt()).isEqualTo(Instant.parse("2025-09-25T13:22:33.123Z"));
        assertThat(e.fileIndexStart()).isEqualTo(3);
        assertThat(e.destination().bucket()).isEqualTo("my-bucket");
        assertThat(e.destination().prefix()).isEqualTo("exports");
        assertThat(e.destination().compression()).isEqualTo(Compression.ZSTD);
        assertThat(e.destination().endpoint()).isEqualTo(URI.create("http://127.0.0.1:9000"));
        assertThat(e.model().columns())
                .containsExactly(
                        new ColumnSpec("id", ColumnType.of(ColumnType.Kind.BIGINT), false),
                        new ColumnSpec("amount", ColumnType.decimal(12, 2), true));
    }

    @Test
    void batchIdDefaultsToTheStartInEpochMillis() {
        TransferEvent e = EventParser.transferEvent(Json.read(
                "{\"transfer_started_at\": \"2025-09-25T13:22:33.123Z\", " + DEST + ", " + MODEL + ", \"rows\": []}"));
        assertThat(e.batchId()).isEqualTo("1758806553123");
        assertThat(e.fileIndexStart()).isZero();
    }

    @Test
    void anyNonNegativeFileIndexStartIsAccepted() {
        TransferEvent e = EventParser.transferEvent(Json.read("{\"transfer_started_at\": \"2025-09-25T13:22:33.123Z\", "
                + "\"file_index_start\": 2147483647, " + DEST + ", " + MODEL + ", \"rows\": []}"));
        assertThat(e.fileIndexStart()).isEqualTo(Integer.MAX_VALUE);
        assertThat(e.fileIndexLimit()).isEqualTo(Integer.MAX_VALUE); // no chunk limit on a direct event
    }

    @Test
    void noSecretInToString() {
        TransferEvent e = EventParser.transferEvent(Json.read("{\"transfer_started_at\": \"2025-09-25T13:22:33Z\", "
                + DEST + ", " + MODEL + ", \"rows\": [{\"id\": 1}]}"));
        assertThat(e.toString()).doesNotContain("very-secret").doesNotContain("AKIAEXAMPLE0001");
        assertThat(e.destination().toString()).doesNotContain("very-secret").contains("****0001");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "missing start | {DEST, MODEL, \"rows\": []} | transfer_started_at: is required",
                "start without offset | {\"transfer_started_at\": \"2025-09-25T13:22:33\", DEST, MODEL, \"rows\": []} | transfer_started_at: '2025-09-25T13:22:33' is not an ISO-8601 instant",
                "both rows and source | {START, DEST, MODEL, \"rows\": [], \"source\": {\"uris\": [\"s3://b/k\"], \"format\": \"jsonl\"}} | rows/source: exactly one",
                "neither rows nor source | {START, DEST, MODEL} | rows/source: exactly one",
                "rows not an array | {START, DEST, MODEL, \"rows\": {}} | rows: must be an array",
                "negative file index | {START, \"file_index_start\": -1, DEST, MODEL, \"rows\": []} | file_index_start: must be a non-negative integer",
                "missing destination | {START, MODEL, \"rows\": []} | destination: is required",
                "missing model | {START, DEST, \"rows\": []} | model: is required",
                "unknown column type | {START, DEST, \"model\": {\"name\": \"m\", \"columns\": [{\"name\": \"a\", \"type\": \"money\"}]}, \"rows\": []} | model.columns[0].type: unknown column type 'money'",
                "decimal precision | {START, DEST, \"model\": {\"name\": \"m\", \"columns\": [{\"name\": \"a\", \"type\": \"decimal(39,2)\"}]}, \"rows\": []} | model.columns[0].type: decimal precision 39",
                "decimal scale | {START, DEST, \"model\": {\"name\": \"m\", \"columns\": [{\"name\": \"a\", \"type\": \"decimal(4,5)\"}]}, \"rows\": []} | model.columns[0].type: decimal scale 5",
                "duplicate column | {START, DEST, \"model\": {\"name\": \"m\", \"columns\": [{\"name\": \"a\", \"type\": \"int\"}, {\"name\": \"a\", \"type\": \"int\"}]}, \"rows\": []} | model.columns[1].name: duplicate column name 'a'",
                "reserved column | {START, DEST, \"model\": {\"name\": \"m\", \"columns\": [{\"name\": \"pontoon__batch_id\", \"type\": \"string\"}]}, \"rows\": []} | model.columns[0].name: 'pontoon__batch_id' is reserved",
                "nullable not boolean | {START, DEST, \"model\": {\"name\": \"m\", \"columns\": [{\"name\": \"a\", \"type\": \"int\", \"nullable\": \"no\"}]}, \"rows\": []} | model.columns[0].nullable: must be true or false",
                "model path traversal | {START, DEST, \"model\": {\"name\": \"../etc\", \"columns\": []}, \"rows\": [{}]} | model.name: '../etc' must be one path segment",
                "no columns no rows | {START, DEST, \"model\": {\"name\": \"m\"}, \"rows\": []} | model.columns: no columns declared and no rows",
            })
    void invalidEventsFailWithOneMessageNamingTheField(String name, String template, String expected) {
        String json = template.replace("START", "\"transfer_started_at\": \"2025-09-25T13:22:33Z\"")
                .replace("DEST", DEST)
                .replace("MODEL", MODEL);
        assertThatThrownBy(() -> EventParser.transferEvent(Json.read(json)))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageStartingWith(expected.trim());
    }

    @Test
    void tooManyTagsAndAHiddenExternalId() {
        StringBuilder tags = new StringBuilder();
        for (int i = 0; i < 11; i++) {
            tags.append(i == 0 ? "" : ", ").append("\"t").append(i).append("\": \"v\"");
        }
        assertThatThrownBy(() -> EventParser.destination(Json.read(
                        "{\"s3_bucket\": \"abc\", \"s3_region\": \"us-east-1\", " + "\"tags\": {" + tags + "}}")))
                .hasMessage("destination.tags: S3 allows at most 10 tags per object, got 11");
        DestinationConfig d = EventParser.destination(
                Json.read(
                        "{\"s3_bucket\": \"abc\", \"s3_region\": \"us-east-1\", "
                                + "\"role_arn\": \"arn:aws:iam::123456789012:role/drop-zone\", \"external_id\": \"ext-7c1d-secretish\"}"));
        assertThat(d.role().sessionName()).isEqualTo("pontoon-s3-destination");
        assertThat(d.toString())
                .contains("arn:aws:iam::123456789012:role/drop-zone")
                .doesNotContain("ext-7c1d-secretish");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "no bucket | {\"s3_region\": \"us-east-1\"} | destination.s3_bucket: is required",
                "bad region | {\"s3_bucket\": \"abc\", \"s3_region\": \"US East\"} | destination.s3_region:",
                "no region | {\"s3_bucket\": \"abc\"} | destination.s3_region: is required",
                "key without secret | {\"s3_bucket\": \"abc\", \"s3_region\": \"us-east-1\", \"aws_access_key_id\": \"AKIA1\"} | destination.aws_secret_access_key: is required",
                "secret without key | {\"s3_bucket\": \"abc\", \"s3_region\": \"us-east-1\", \"aws_secret_access_key\": \"shh-secret\"} | destination.aws_access_key_id: is required",
                "secret not a string | {\"s3_bucket\": \"abc\", \"s3_region\": \"us-east-1\", \"aws_access_key_id\": \"AKIA1\", \"aws_secret_access_key\": 12345} | destination.aws_secret_access_key: must be a string, got a number",
                "bad compression | {\"s3_bucket\": \"abc\", \"s3_region\": \"us-east-1\", \"compression\": \"lzo\"} | destination.compression: unknown compression 'lzo'",
                "bad endpoint | {\"s3_bucket\": \"abc\", \"endpoint_url\": \"ftp://x\"} | destination.endpoint_url: must be an http",
                "unknown sse | {\"s3_bucket\": \"abc\", \"s3_region\": \"us-east-1\", \"sse\": \"aws:kms:dsse-x\"} | destination.sse: unknown server-side encryption 'aws:kms:dsse-x'",
                "kms key without kms | {\"s3_bucket\": \"abc\", \"s3_region\": \"us-east-1\", \"sse\": \"AES256\", \"kms_key_id\": \"k1\"} | destination.kms_key_id: needs sse aws:kms (sse is AES256)",
                "bucket key without kms | {\"s3_bucket\": \"abc\", \"s3_region\": \"us-east-1\", \"bucket_key_enabled\": true} | destination.bucket_key_enabled: needs sse aws:kms",
                "malformed role arn | {\"s3_bucket\": \"abc\", \"s3_region\": \"us-east-1\", \"role_arn\": \"arn:aws:iam::12:user/x\"} | destination.role_arn: 'arn:aws:iam::12:user/x' is not an IAM role ARN",
                "external id without role | {\"s3_bucket\": \"abc\", \"s3_region\": \"us-east-1\", \"external_id\": \"shh-secret\"} | destination.role_arn: is required when external_id is given",
                "bad external id | {\"s3_bucket\": \"abc\", \"s3_region\": \"us-east-1\", \"role_arn\": \"arn:aws:iam::123456789012:role/r\", \"external_id\": \"shh-secret with spaces\"} | destination.external_id: must be 2-1224",
                "unknown storage class | {\"s3_bucket\": \"abc\", \"s3_region\": \"us-east-1\", \"storage_class\": \"COLD\"} | destination.storage_class: unknown storage class 'COLD'",
                "tag not a string | {\"s3_bucket\": \"abc\", \"s3_region\": \"us-east-1\", \"tags\": {\"a\": 1}} | destination.tags.a: must be a string, got a number",
                "path style not boolean | {\"s3_bucket\": \"abc\", \"s3_region\": \"us-east-1\", \"path_style\": \"yes\"} | destination.path_style: must be true or false",
                "unsafe prefix | {\"s3_bucket\": \"abc\", \"s3_region\": \"us-east-1\", \"s3_prefix\": \"a/../b\"} | destination.s3_prefix:",
            })
    void invalidDestinationsNameTheFieldAndNeverEchoASecret(String name, String destination, String expected) {
        assertThatThrownBy(() -> EventParser.destination(Json.read(destination)))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageStartingWith(expected.trim())
                .satisfies(e ->
                        assertThat(e.getMessage()).doesNotContain("shh-secret").doesNotContain("12345"));
    }
}
