package dev.pontoon.s3dest.source;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import de.siegmar.fastcsv.reader.AbstractBaseCsvCallbackHandler;
import de.siegmar.fastcsv.reader.CsvReader;
import dev.pontoon.s3dest.bench.ExportTable;
import dev.pontoon.s3dest.event.ColumnSpec;
import dev.pontoon.s3dest.event.ColumnType;
import dev.pontoon.s3dest.event.Json;
import dev.pontoon.s3dest.parquet.Row;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The hand-written parsers against the libraries that could replace them, on one thread, warm, best of several
 * passes, CPU time of the thread (issue #24: keep what wins by a margin, drop the rest):
 *
 * <ul>
 *   <li>doubles: {@link JsonNumbers#number} (Clinger's exact path, else FastDoubleParser through jackson-core) against
 *       FastDoubleParser (as jackson-core ships it, shaded) and {@link Double#parseDouble}, on the export table's
 *       {@code score} literals and on shortest-repr random doubles; every result compared bit for bit;
 *   <li>JSONL rows: {@link JsonLineDecoder} against Jackson's streaming parser with {@link JsonRowDecoder} (the
 *       general path), with and without Jackson's fast double parser, on the export table;
 *   <li>CSV records: {@link CsvRecordReader} against Jackson CSV ({@code EMPTY_UNQUOTED_STRING_AS_NULL}) and FastCSV
 *       (its callback sees whether a field was quoted), on the export table as CSV; every record compared.
 * </ul>
 *
 * <pre>
 * ./mvnw -q test-compile exec:exec -Dexec.executable=java -Dexec.classpathScope=test \
 *   -Dexec.args="-Xmx2g -cp %classpath dev.pontoon.s3dest.source.ParserBenchmark 1000000 5"
 * </pre>
 */
public final class ParserBenchmark {
    private static final String[] COLUMNS = {
        "id:bigint!", "customer_id:bigint", "email:string", "amount:decimal(12,2)", "currency:string",
        "status:string", "created_at:timestamptz", "updated_at:timestamptz", "is_active:boolean", "score:double",
        "note:string"
    };
    private static final com.sun.management.ThreadMXBean CPU =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    public static void main(String[] args) throws Exception {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int passes = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        Path file = Path.of("target/bench/export-" + rows + ".jsonl");
        if (!Files.exists(file)) {
            Files.createDirectories(file.getParent());
            ExportTable.writeJsonl(file, Long.MAX_VALUE, rows, false);
        }
        byte[] jsonl = Files.readAllBytes(file);
        System.out.printf("input: %s, %,d bytes, %s, Java %s%n", file, jsonl.length, rows + " rows", Runtime.version());
        doubles(jsonl, passes);
        jsonRows(jsonl, passes);
        csvRecords(jsonl, passes);
    }

    // ---- doubles ----

    /** Reads one JSON number from a byte range, through the fast path's own reader. */
    private static final class NumberReader extends JsonNumbers {
        NumberReader() {
            super(1 << 20);
        }

        double read(byte[] text, int start, int end) {
            reset(text, start, end);
            double v = number();
            if (!ok || pos != end) {
                throw new IllegalStateException("not a number: " + new String(text, start, end - start));
            }
            return v;
        }
    }

    private static void doubles(byte[] jsonl, int passes) {
        // the score literals of the export table, then as many random doubles in shortest form (17 digits often)
        List<String> scores = new ArrayList<>();
        String text = new String(jsonl, StandardCharsets.UTF_8);
        for (int at = text.indexOf("\"score\":"); at >= 0; at = text.indexOf("\"score\":", at + 1)) {
            int s = at + "\"score\":".length();
            int e = text.indexOf(',', s);
            scores.add(text.substring(s, e));
        }
        SplittableRandom random = new SplittableRandom(7);
        List<String> randoms = new ArrayList<>();
        for (int i = 0; i < scores.size(); i++) {
            double d = Double.longBitsToDouble(random.nextLong() & 0x7fefffffffffffffL);
            randoms.add(Double.toString(random.nextBoolean() ? d : d / 1e300 * random.nextInt(1000)));
        }
        for (var set : List.of(List.of("score literals", scores), List.of("random doubles", randoms))) {
            @SuppressWarnings("unchecked")
            List<String> literals = (List<String>) set.get(1);
            byte[] all = String.join("", literals).getBytes(StandardCharsets.ISO_8859_1);
            int[] starts = new int[literals.size() + 1];
            for (int i = 0; i < literals.size(); i++) {
                starts[i + 1] = starts[i] + literals.get(i).length();
            }
            NumberReader ours = new NumberReader();
            long[] expected = new long[literals.size()];
            for (int i = 0; i < expected.length; i++) {
                expected[i] = Double.doubleToRawLongBits(Double.parseDouble(literals.get(i)));
            }
            long oursNs = best(passes, () -> check(expected, i -> ours.read(all, starts[i], starts[i + 1])));
            long fdpNs = best(
                    passes,
                    () -> check(
                            expected,
                            i -> com.fasterxml.jackson.core.internal.shaded.fdp.v2_21_2.JavaDoubleParser.parseDouble(
                                    all, starts[i], starts[i + 1] - starts[i])));
            long jdkNs = best(
                    passes,
                    () -> check(
                            expected,
                            i -> Double.parseDouble(new String(
                                    all, starts[i], starts[i + 1] - starts[i], StandardCharsets.ISO_8859_1))));
            double n = literals.size();
            System.out.printf(
                    "doubles (%s, %,d): ours %.1f ns, FastDoubleParser %.1f ns, Double.parseDouble %.1f ns each%n",
                    set.get(0), literals.size(), oursNs / n, fdpNs / n, jdkNs / n);
        }
    }

    private static void check(long[] expected, java.util.function.IntToDoubleFunction parse) {
        for (int i = 0; i < expected.length; i++) {
            if (Double.doubleToRawLongBits(parse.applyAsDouble(i)) != expected[i]) {
                throw new IllegalStateException("literal " + i + " parsed differently");
            }
        }
    }

    // ---- JSONL rows ----

    private static void jsonRows(byte[] jsonl, int passes) throws Exception {
        List<ColumnSpec> columns = new ArrayList<>();
        for (String c : COLUMNS) {
            String[] nameType = c.replace("!", "").split(":");
            columns.add(new ColumnSpec(nameType[0], ColumnType.parse(nameType[0], nameType[1]), !c.endsWith("!")));
        }
        Row row = new Row(columns.size());
        JsonLineDecoder fast = new JsonLineDecoder(columns, Json.MAPPER);
        long fastNs = best(
                passes,
                () -> eachLine(jsonl, (b, s, e) -> {
                    if (!fast.decode(b, s, e, row)) {
                        throw new IllegalStateException("declined");
                    }
                }));
        ObjectMapper fastDoubles = JsonMapper.builder(com.fasterxml.jackson.core.JsonFactory.builder()
                        .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
                        .build())
                .build();
        long jacksonNs = jacksonRows(jsonl, passes, columns, row, Json.MAPPER);
        long jacksonFastNs = jacksonRows(jsonl, passes, columns, row, fastDoubles);
        System.out.printf(
                "JSONL rows (%,d bytes): ours %.0f MB/s, Jackson streaming + JsonRowDecoder %.0f MB/s, the same with "
                        + "Jackson's fast double parser %.0f MB/s (one core)%n",
                jsonl.length,
                mbps(jsonl.length, fastNs),
                mbps(jsonl.length, jacksonNs),
                mbps(jsonl.length, jacksonFastNs));
    }

    private static long jacksonRows(byte[] jsonl, int passes, List<ColumnSpec> columns, Row row, ObjectMapper mapper)
            throws Exception {
        JsonRowDecoder general = new JsonRowDecoder(columns, mapper);
        return best(
                passes,
                () -> eachLine(jsonl, (b, s, e) -> {
                    try (JsonParser p = mapper.getFactory().createParser(b, s, e - s)) {
                        p.nextToken();
                        general.decode(p, row, () -> "line");
                    } catch (java.io.IOException x) {
                        throw new IllegalStateException(x);
                    }
                }));
    }

    private interface LineConsumer {
        void accept(byte[] b, int start, int end);
    }

    private static void eachLine(byte[] input, LineConsumer consumer) {
        try {
            LineBlocks blocks = new LineBlocks(new ByteArrayInputStream(input), 512 * 1024, 2048, 1 << 20);
            for (LineBlocks.Block block; (block = blocks.next()) != null; ) {
                LineReader lines = new LineReader(block.bytes(), block.length(), 1 << 20);
                while (lines.next()) {
                    consumer.accept(lines.buffer(), lines.start(), lines.end());
                }
                blocks.release(block.bytes());
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- CSV records ----

    private static void csvRecords(byte[] jsonl, int passes) throws Exception {
        byte[] csv = toCsv(jsonl);
        List<List<String>> expected = new ArrayList<>();
        CsvRecordReader reference = new CsvRecordReader(new ByteArrayInputStream(csv), "bench");
        for (List<String> r = new ArrayList<>(); reference.next(r); r = new ArrayList<>()) {
            expected.add(r);
        }
        long oursNs = best(passes, () -> {
            try {
                CsvRecordReader reader = new CsvRecordReader(new ByteArrayInputStream(csv), "bench");
                List<String> record = new ArrayList<>();
                int i = 0;
                while (reader.next(record)) {
                    same(expected, i++, record);
                }
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        });
        CsvMapper mapper = CsvMapper.builder()
                .enable(CsvParser.Feature.EMPTY_UNQUOTED_STRING_AS_NULL)
                .build();
        long jacksonNs = best(passes, () -> {
            try (CsvParser p = (CsvParser) mapper.getFactory().createParser(csv)) {
                List<String> record = new ArrayList<>();
                int i = 0;
                for (var t = p.nextToken(); t != null; t = p.nextToken()) {
                    if (t == com.fasterxml.jackson.core.JsonToken.START_ARRAY) {
                        record.clear();
                    } else if (t == com.fasterxml.jackson.core.JsonToken.END_ARRAY) {
                        same(expected, i++, record);
                    } else if (t.isScalarValue()) {
                        record.add(t == com.fasterxml.jackson.core.JsonToken.VALUE_NULL ? null : p.getText());
                    }
                }
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        });
        long fastCsvNs = best(passes, () -> {
            try (CsvReader<List<String>> reader =
                    CsvReader.builder().build(new NullAwareRecords(), new ByteArrayInputStream(csv))) {
                int i = 0;
                for (List<String> record : reader) {
                    same(expected, i++, record);
                }
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        });
        System.out.printf(
                "CSV records (%,d bytes): ours %.0f MB/s, Jackson CSV %.0f MB/s, FastCSV %.0f MB/s (one core)%n",
                csv.length, mbps(csv.length, oursNs), mbps(csv.length, jacksonNs), mbps(csv.length, fastCsvNs));
    }

    /** FastCSV's records with an empty unquoted field as null, as SPEC §4 reads CSV. */
    private static final class NullAwareRecords extends AbstractBaseCsvCallbackHandler<List<String>> {
        private final List<String> fields = new ArrayList<>();

        @Override
        protected void handleBegin(long line) {
            fields.clear();
        }

        @Override
        protected void handleField(int index, char[] buf, int offset, int length, boolean quoted) {
            fields.add(length == 0 && !quoted ? null : new String(buf, offset, length));
        }

        @Override
        protected List<String> buildRecord() {
            return fields;
        }
    }

    private static void same(List<List<String>> expected, int i, List<String> record) {
        if (!expected.get(i).equals(record)) {
            throw new IllegalStateException("record " + i + " differs: " + record + " vs " + expected.get(i));
        }
    }

    /** The export table as CSV: a header, values as text, strings quoted when they must be, null as empty. */
    private static byte[] toCsv(byte[] jsonl) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream(jsonl.length);
        StringBuilder line = new StringBuilder();
        boolean header = true;
        for (String text : new String(jsonl, StandardCharsets.UTF_8).split("\n")) {
            var node = Json.MAPPER.readTree(text);
            line.setLength(0);
            if (header) {
                node.fieldNames()
                        .forEachRemaining(
                                n -> line.append(line.isEmpty() ? "" : ",").append(n));
                out.write(line.append('\n').toString().getBytes(StandardCharsets.UTF_8));
                line.setLength(0);
                header = false;
            }
            boolean first = true;
            for (var values = node.elements(); values.hasNext(); first = false) {
                var v = values.next();
                if (!first) {
                    line.append(',');
                }
                if (v.isNull()) {
                    continue;
                }
                String s = v.asText();
                if (v.isTextual()
                        && (s.isEmpty() || s.indexOf(',') >= 0 || s.indexOf('"') >= 0 || s.indexOf('\n') >= 0)) {
                    line.append('"').append(s.replace("\"", "\"\"")).append('"');
                } else {
                    line.append(s);
                }
            }
            out.write(line.append('\n').toString().getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }

    // ---- timing ----

    private static long best(int passes, Runnable work) {
        long best = Long.MAX_VALUE;
        for (int pass = 0; pass < passes; pass++) {
            long cpu0 = CPU.getCurrentThreadCpuTime();
            work.run();
            best = Math.min(best, CPU.getCurrentThreadCpuTime() - cpu0);
        }
        return best;
    }

    private static double mbps(long bytes, long nanos) {
        return bytes / 1e6 / (nanos / 1e9);
    }
}
