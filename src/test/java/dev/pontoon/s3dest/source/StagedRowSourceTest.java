package dev.pontoon.s3dest.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.pontoon.s3dest.event.ColumnSpec;
import dev.pontoon.s3dest.event.ColumnType;
import dev.pontoon.s3dest.event.Json;
import dev.pontoon.s3dest.event.SourceSpec;
import dev.pontoon.s3dest.parquet.Row;
import dev.pontoon.s3dest.testing.FaultProxy;
import dev.pontoon.s3dest.testing.S3TestServer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A staged JSONL object handed out in blocks (against s3proxy): the blocks decode independently, in any order and on
 * any thread, and a failure in a late block names the object's own line number.
 */
class StagedRowSourceTest {
    private static final List<ColumnSpec> COLUMNS = List.of(
            new ColumnSpec("id", ColumnType.of(ColumnType.Kind.BIGINT), false),
            new ColumnSpec("note", ColumnType.of(ColumnType.Kind.STRING), true));
    private final S3TestServer server = S3TestServer.shared();
    private final ExecutorService threads = Executors.newFixedThreadPool(3);
    private final ExecutorService rangeReaders = Executors.newCachedThreadPool();
    private S3Client s3;
    private String bucket;

    @BeforeEach
    void setUp() {
        bucket = "blocks-" + UUID.randomUUID().toString().substring(0, 8);
        server.createBucket(bucket);
        s3 = server.client();
    }

    @AfterEach
    void tearDown() {
        threads.shutdownNow();
        rangeReaders.shutdownNow();
        s3.close();
    }

    @Test
    void oneObjectIsManyBlocksThatDecodeInAnyOrderIntoTheObjectsRows() throws Exception {
        put("big.jsonl", lines(0, 60_000, -1, 0));
        try (StagedRowSource source = source(Json.MAPPER, "big.jsonl")) {
            List<RowSource> blocks = new ArrayList<>();
            try (RowSource.Parts parts = source.parts()) {
                for (RowSource p; (p = parts.next()) != null; ) {
                    blocks.add(p);
                }
            }
            assertThat(blocks).hasSizeGreaterThan(10);
            // The last block first, on one thread: no block needs another to decode its rows.
            List<List<Long>> ids = new ArrayList<>();
            for (int b = blocks.size() - 1; b >= 0; b--) {
                ids.add(0, ids(blocks.get(b)));
            }
            List<Long> all = ids.stream().flatMap(List::stream).toList();
            assertThat(all).hasSize(60_000);
            for (int i = 0; i < all.size(); i++) {
                assertThat(all.get(i)).isEqualTo(i);
            }
            // After the first block, each holds the rows of about two batches.
            assertThat(ids.subList(1, ids.size() - 1))
                    .allSatisfy(rows -> assertThat(rows.size()).isBetween(1800, 2300));
        }
    }

    @Test
    void aBadRowInALateBlockNamesTheObjectsLineWhileBlocksDecodeAtOnce() throws Exception {
        put("bad.jsonl", lines(0, 60_000, 47_321, 0));
        assertThatThrownBy(() -> decodeOnThreads(source(Json.MAPPER, "bad.jsonl")))
                .hasMessage("s3://" + bucket + "/bad.jsonl line 47322, column id (bigint): expected an integer, got"
                        + " a string \"x\"");
    }

    @Test
    void aLineOverTheLimitInALateBlockNamesItsLine() throws Exception {
        // A mapper whose strings may be 1,000 characters: lines may be 2,000 bytes.
        ObjectMapper small = JsonMapper.builder(JsonFactory.builder()
                        .streamReadConstraints(StreamReadConstraints.builder()
                                .maxStringLength(1000)
                                .build())
                        .build())
                .build();
        put("long.jsonl", lines(0, 30_000, -1, 25_000));
        assertThatThrownBy(() -> decodeOnThreads(source(small, "long.jsonl")))
                .hasMessage("s3://" + bucket + "/long.jsonl line 25001: longer than 2000 bytes; JSONL has one object"
                        + " per line, and a row may take at most that");
    }

    @Test
    void anObjectIsReadInRangesOfOneVersionAndAFailedRangeNamesTheLineReached() throws Throwable {
        String text = lines(0, 60_000, -1, 0);
        put("ranged.jsonl.gz", StagedSourceTransferTest.gzip(text)); // compressed objects are fetched in ranges too
        put("ranged.jsonl", text);
        try (FaultProxy proxy = new FaultProxy(server.endpoint());
                S3Client viaProxy = S3TestServer.clientFor(proxy.endpoint())) {
            List<Long> ids = new ArrayList<>();
            for (String key : List.of("ranged.jsonl", "ranged.jsonl.gz")) {
                try (StagedRowSource source = source(viaProxy, Json.MAPPER, key)) {
                    Row row = new Row(COLUMNS.size());
                    while (source.next(row)) {
                        ids.add(row.longValue(0));
                    }
                }
            }
            assertThat(ids).hasSize(120_000);
            for (int i = 0; i < ids.size(); i++) {
                assertThat(ids.get(i)).isEqualTo(i % 60_000);
            }
            List<String> gets = proxy.heads().stream()
                    .filter(h -> h.startsWith("GET_OBJECT"))
                    .map(h -> h.toLowerCase(java.util.Locale.ROOT))
                    .toList();
            int ranges = (text.length() + 256 * 1024 - 1) / (256 * 1024);
            assertThat(gets.stream().filter(h -> h.contains("/ranged.jsonl ")))
                    .hasSize(ranges)
                    .allMatch(h -> h.contains("\nrange: bytes="))
                    .filteredOn(h -> !h.contains("range: bytes=0-"))
                    .allMatch(h -> h.contains("\nif-match: "));

            // The fourth range fails (every retry too): the error names the object and the first line not read.
            proxy.clear();
            proxy.inject(FaultProxy.Op.GET_OBJECT, 3, 10, FaultProxy.Fault.STATUS_500);
            Throwable failure = org.assertj.core.api.Assertions.catchThrowable(() -> {
                try (StagedRowSource source = source(viaProxy, Json.MAPPER, "ranged.jsonl")) {
                    Row row = new Row(COLUMNS.size());
                    while (source.next(row)) {
                        // read on
                    }
                }
            });
            assertThat(failure)
                    .hasMessageMatching("GetObject \\(reading source s3://" + bucket
                            + "/ranged.jsonl at line \\d+\\) on s3://.* failed: InternalError .*");
            // the line after the last block handed out: it lies within the three ranges read, and how far into them
            // depends on how far the decoders lagged behind the read-ahead when the fourth range failed
            long line = Long.parseLong(failure.getMessage().replaceAll(".* at line (\\d+)\\).*", "$1"));
            long linesInThreeRanges = text.substring(0, 3 * 256 * 1024)
                    .chars()
                    .filter(c -> c == '\n')
                    .count();
            assertThat(line).isBetween(1L, linesInThreeRanges + 1);
        }
    }

    @Test
    void anEmptyObjectASmallOneAndAMissingOneReadInRanges() throws Exception {
        put("empty.jsonl", ""); // a range of an empty object is answered 416: read it plainly
        put("small.jsonl", lines(0, 3, -1, 0)); // smaller than one range: the first GET is all of it
        List<Long> ids = new ArrayList<>();
        for (String key : List.of("empty.jsonl", "small.jsonl")) {
            try (StagedRowSource source = source(Json.MAPPER, key)) {
                Row row = new Row(COLUMNS.size());
                while (source.next(row)) {
                    ids.add(row.longValue(0));
                }
            }
        }
        assertThat(ids).containsExactly(0L, 1L, 2L);
        assertThatThrownBy(() -> {
                    try (StagedRowSource source = source(Json.MAPPER, "nowhere.jsonl")) {
                        source.next(new Row(COLUMNS.size()));
                    }
                })
                .hasMessageStartingWith("GetObject (source s3://" + bucket + "/nowhere.jsonl) on s3://" + bucket
                        + "/nowhere.jsonl failed: NoSuchKey");
    }

    /** Hands out every block and decodes them three at a time; the first failure in the object's order is thrown. */
    private void decodeOnThreads(StagedRowSource source) throws Throwable {
        List<Future<List<Long>>> decoded = new ArrayList<>();
        try (source;
                RowSource.Parts parts = source.parts()) {
            for (RowSource p; (p = parts.next()) != null; ) {
                RowSource block = p;
                decoded.add(threads.submit(() -> ids(block)));
            }
            for (Future<List<Long>> f : decoded) {
                try {
                    f.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    throw e.getCause();
                }
            }
        }
    }

    private static List<Long> ids(RowSource block) throws java.io.IOException {
        List<Long> ids = new ArrayList<>();
        Row row = new Row(COLUMNS.size());
        try (block) {
            while (block.next(row)) {
                ids.add(row.longValue(0));
            }
        }
        return ids;
    }

    /** Lines {@code [from, to)}; the id of line {@code badAt} is a string, line {@code longAt} has a long note. */
    private static String lines(int from, int to, int badAt, int longAt) {
        StringBuilder sb = new StringBuilder();
        for (int i = from; i < to; i++) {
            sb.append("{\"id\": ").append(i == badAt ? "\"x\"" : String.valueOf(i));
            sb.append(", \"note\": \"").append(i == longAt && longAt > 0 ? "n".repeat(3000) : "row " + i);
            sb.append("\"}\n");
        }
        return sb.toString();
    }

    /** The object read in ranges of 256 KiB, two fetched ahead. */
    private StagedRowSource source(ObjectMapper mapper, String key) {
        return source(s3, mapper, key);
    }

    private StagedRowSource source(S3Client client, ObjectMapper mapper, String key) {
        SourceSpec spec = new SourceSpec(
                List.of("s3://" + bucket + "/" + key),
                SourceSpec.Format.JSONL,
                SourceSpec.SourceCompression.AUTO,
                null,
                null);
        return new StagedRowSource(client, spec, COLUMNS, mapper, rangeReaders, 256 * 1024);
    }

    private void put(String key, String text) {
        put(key, text.getBytes(StandardCharsets.UTF_8));
    }

    private void put(String key, byte[] bytes) {
        s3.putObject(r -> r.bucket(bucket).key(key), RequestBody.fromBytes(bytes));
    }
}
