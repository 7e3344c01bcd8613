package dev.pontoon.s3dest.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pontoon.s3dest.event.InvalidEventException;
import dev.pontoon.s3dest.event.Names;
import java.time.Instant;
import java.time.OffsetDateTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ObjectKeysTest {
    private static final Instant STARTED = Instant.parse("2025-09-25T13:22:33.123Z");

    @Test
    void theBatchPrefixAndThePartitionComeFromTheLayoutToo() {
        String key = ObjectKeys.dataKey("exports", "leads", STARTED, "b1", 12);
        assertThat(ObjectKeys.batchKeyPrefix("exports", "leads", STARTED, "b1"))
                .isEqualTo("exports/leads/dt=2025-09-25/20250925132233_b1_");
        assertThat(key).startsWith(ObjectKeys.batchKeyPrefix("exports", "leads", STARTED, "b1"));
        // b1 is not a prefix of b10's keys: the batch prefix ends with the separator.
        assertThat(ObjectKeys.dataKey("exports", "leads", STARTED, "b10", 0))
                .doesNotStartWith(ObjectKeys.batchKeyPrefix("exports", "leads", STARTED, "b1"));
        assertThat(ObjectKeys.partitionOf(ObjectKeys.modelPath("exports", "leads"), key))
                .isEqualTo("dt=2025-09-25");
        assertThat(ObjectKeys.partition(STARTED)).isEqualTo("dt=2025-09-25");
        assertThat(ObjectKeys.fileIndex(key)).isEqualTo(12);
    }

    @Test
    void keyFollowsTheHiveLayoutCharacterForCharacter() {
        assertThat(ObjectKeys.dataKey("exports", "leads", STARTED, "1758806553123", 0))
                .isEqualTo("exports/leads/dt=2025-09-25/20250925132233_1758806553123_0.parquet");
    }

    @Test
    void prefixIsTrimmedOfSlashes() {
        String prefix = Names.normalizePrefix("p", "/exports/");
        assertThat(prefix).isEqualTo("exports");
        assertThat(Names.normalizePrefix("p", "///a/b//")).isEqualTo("a/b");
        assertThat(ObjectKeys.dataKey(Names.normalizePrefix("p", "/team/exports/"), "leads", STARTED, "7", 2))
                .isEqualTo("team/exports/leads/dt=2025-09-25/20250925132233_7_2.parquet");
    }

    @Test
    void noPrefixMeansNoLeadingSlash() {
        for (String none : new String[] {null, "", "/", "///"}) {
            String prefix = Names.normalizePrefix("p", none);
            assertThat(ObjectKeys.dataKey(prefix, "leads", STARTED, "1", 0))
                    .isEqualTo("leads/dt=2025-09-25/20250925132233_1_0.parquet");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"a//b", "a/./b", "../etc", "a/..", "./a", "a/\nb"})
    void prefixWithUnsafeSegmentsIsRejected(String prefix) {
        assertThatThrownBy(() -> Names.normalizePrefix("destination.s3_prefix", prefix))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageStartingWith("destination.s3_prefix: ");
    }

    @Test
    void literalS3SchemeIsRemovedAndNothingElse() {
        assertThat(Names.normalizeBucket("b", "s3://my-bucket")).isEqualTo("my-bucket");
        // Pontoon's character-set strip would eat the leading 's' and '3' here.
        assertThat(Names.normalizeBucket("b", "s3://s3-data-33")).isEqualTo("s3-data-33");
        assertThat(Names.normalizeBucket("b", "s33bucket")).isEqualTo("s33bucket");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "My-Bucket",
                "ab",
                "a_b_c",
                "-bucket",
                "bucket-",
                "a..b",
                "192.168.1.1",
                "xn--bucket",
                "bucket-s3alias",
                "s3://",
                "s3://s3://x",
                "bucket/with/slash",
                " bucket",
                "a-very-long-bucket-name-that-goes-past-sixty-three-characters-xx"
            })
    void invalidBucketNamesAreRejectedBeforeAnyRequest(String bucket) {
        assertThatThrownBy(() -> Names.normalizeBucket("destination.s3_bucket", bucket))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageStartingWith("destination.s3_bucket: ");
    }

    @ParameterizedTest
    @ValueSource(strings = {"a/b", ".", "..", "bad\u0000name", "tab\tname", ""})
    void unsafeModelNamesAreRejected(String model) {
        assertThatThrownBy(() -> Names.checkModelName("model.name", model))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageStartingWith("model.name: ");
    }

    @Test
    void modelNamesMayHoldDotsAndDashes() {
        assertThat(Names.checkModelName("m", "sales.orders-v2")).isEqualTo("sales.orders-v2");
    }

    @Test
    void dateAndTimestampAreOfTheStartInstantInUtc() {
        // 23:59:59.999 at -05:00 is already the next day in UTC.
        Instant lateEvening =
                OffsetDateTime.parse("2025-09-25T23:59:59.999-05:00").toInstant();
        assertThat(ObjectKeys.dataKey("", "m", lateEvening, "b", 0))
                .isEqualTo("m/dt=2025-09-26/20250926045959_b_0.parquet");
        // 00:30 at +02:00 is still the previous day in UTC.
        Instant earlyMorning = OffsetDateTime.parse("2025-01-01T00:30:00+02:00").toInstant();
        assertThat(ObjectKeys.dataKey("", "m", earlyMorning, "b", 0))
                .isEqualTo("m/dt=2024-12-31/20241231223000_b_0.parquet");
    }

    @Test
    void defaultBatchIdIsTheStartInEpochMilliseconds() {
        assertThat(Names.defaultBatchId(STARTED)).isEqualTo("1758806553123").hasSize(13);
    }

    @Test
    void fileIndexStartsWhereTheEventSays() {
        assertThat(ObjectKeys.dataKey("p", "m", STARTED, "b", 12)).endsWith("_b_12.parquet");
    }

    @ParameterizedTest
    @ValueSource(strings = {"a/b", "a b", "", "x\ny"})
    void batchIdsThatWouldBreakTheFileNameAreRejected(String batchId) {
        assertThatThrownBy(() -> Names.checkBatchId("batch_id", batchId))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageStartingWith("batch_id: ");
    }
}
