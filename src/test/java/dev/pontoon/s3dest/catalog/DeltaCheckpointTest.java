package dev.pontoon.s3dest.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pontoon.s3dest.event.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A checkpoint's actions survive the trip through Parquet: nested structs, maps (empty too), lists, nulls. */
class DeltaCheckpointTest {
    @Test
    void actionsReadBackAsTheyWereWritten() {
        List<ObjectNode> actions = List.of(
                (ObjectNode) Json.read("{\"protocol\":{\"minReaderVersion\":3,\"minWriterVersion\":7,"
                        + "\"readerFeatures\":[\"timestampNtz\"],\"writerFeatures\":[\"timestampNtz\"]}}"),
                (ObjectNode) Json.read("{\"metaData\":{\"id\":\"x\",\"format\":{\"provider\":\"parquet\","
                        + "\"options\":{}},\"schemaString\":\"{}\",\"partitionColumns\":[\"dt\"],"
                        + "\"configuration\":{\"delta.checkpointInterval\":\"5\"},\"createdTime\":12}}"),
                (ObjectNode) Json.read("{\"txn\":{\"appId\":\"a\",\"version\":1,\"lastUpdated\":2}}"),
                (ObjectNode) Json.read("{\"add\":{\"path\":\"dt=2025-01-01/f.parquet\","
                        + "\"partitionValues\":{\"dt\":\"2025-01-01\"},\"size\":10,\"modificationTime\":3,"
                        + "\"dataChange\":true,\"stats\":\"{\\\"numRecords\\\":1}\"}}"),
                (ObjectNode) Json.read("{\"remove\":{\"path\":\"dt=2025-01-01/g.parquet\",\"deletionTimestamp\":4,"
                        + "\"dataChange\":true,\"partitionValues\":{\"dt\":null}}}"));
        byte[] file = DeltaCheckpoint.write(actions);
        // compared as text: a number read back is a long where the JSON parser made an int
        assertThat(text(DeltaCheckpoint.read(file, "test", true))).isEqualTo(text(actions));
        assertThat(text(DeltaCheckpoint.read(file, "test", false))).isEqualTo(text(actions.subList(0, 3)));
    }

    private static List<String> text(List<ObjectNode> actions) {
        return actions.stream().map(ObjectNode::toString).toList();
    }
}
