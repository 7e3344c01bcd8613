package dev.pontoon.s3dest.bench;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * The standard export table of the benchmarks, as JSONL: id, customer_id, email (~25 chars), amount decimal(12,2),
 * currency (3 chars), status (low cardinality), created_at and updated_at (timestamptz), is_active, score (double),
 * note (nullable, ~40% null, ~60 chars). Deterministic for a given row count.
 */
public final class ExportTable {
    static final String[] COLUMNS = {
        "id:bigint!",
        "customer_id:bigint",
        "email:string",
        "amount:decimal(12,2)",
        "currency:string",
        "status:string",
        "created_at:timestamptz",
        "updated_at:timestamptz",
        "is_active:boolean",
        "score:double",
        "note:string"
    };
    /** The same columns in DuckDB's read_json terms. */
    static final String DUCKDB_COLUMNS =
            "{id: 'BIGINT', customer_id: 'BIGINT', email: 'VARCHAR', amount: 'DECIMAL(12,2)', "
                    + "currency: 'VARCHAR', status: 'VARCHAR', created_at: 'TIMESTAMPTZ', updated_at: 'TIMESTAMPTZ', "
                    + "is_active: 'BOOLEAN', score: 'DOUBLE', note: 'VARCHAR'}";

    private static final String[] CURRENCIES = {"USD", "EUR", "GBP", "JPY", "CAD"};
    private static final String[] STATUSES = {"active", "pending", "churned", "trial"};
    private static final String WORDS = "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor "
            + "incididunt ut labore et dolore magna aliqua enim ad minim veniam quis nostrud exercitation";

    private ExportTable() {}

    /** Writes rows until the uncompressed text reaches {@code bytes}; returns the row count. */
    static long writeJsonl(Path file, long bytes, boolean gzip) throws IOException {
        return writeJsonl(file, bytes, Long.MAX_VALUE, gzip);
    }

    /** Writes {@code maxRows} rows, or fewer if the text reaches {@code bytes} first; returns the row count. */
    public static long writeJsonl(Path file, long bytes, long maxRows, boolean gzip) throws IOException {
        long rows = 0;
        long written = 0;
        SplittableRandom random = new SplittableRandom(20250925);
        long base = 1_735_689_600L; // 2025-01-01T00:00:00Z
        StringBuilder sb = new StringBuilder(512);
        try (OutputStream raw = Files.newOutputStream(file);
                OutputStream out = new BufferedOutputStream(
                        gzip
                                ? new GZIPOutputStream(raw, 1 << 16) {
                                    {
                                        def.setLevel(Deflater.BEST_SPEED);
                                    }
                                }
                                : raw,
                        1 << 16)) {
            while (written < bytes && rows < maxRows) {
                sb.setLength(0);
                long id = rows + 1;
                long created = base + random.nextLong(300L * 86400);
                sb.append("{\"id\":")
                        .append(id)
                        .append(",\"customer_id\":")
                        .append(random.nextLong(1_000_000))
                        .append(",\"email\":\"user")
                        .append(random.nextLong(100_000_000))
                        .append("@example.com\"")
                        .append(",\"amount\":")
                        .append(random.nextLong(10_000_000))
                        .append('.')
                        .append(String.format("%02d", random.nextInt(100)))
                        .append(",\"currency\":\"")
                        .append(CURRENCIES[random.nextInt(CURRENCIES.length)])
                        .append('"')
                        .append(",\"status\":\"")
                        .append(STATUSES[random.nextInt(STATUSES.length)])
                        .append('"')
                        .append(",\"created_at\":\"")
                        .append(java.time.Instant.ofEpochSecond(created, random.nextInt(1000) * 1_000_000L))
                        .append('"')
                        .append(",\"updated_at\":\"")
                        .append(java.time.Instant.ofEpochSecond(created + random.nextLong(86400 * 30)))
                        .append('"')
                        .append(",\"is_active\":")
                        .append(random.nextBoolean())
                        .append(",\"score\":")
                        .append(random.nextDouble() * 100)
                        .append(",\"note\":");
                if (random.nextInt(10) < 4) {
                    sb.append("null");
                } else {
                    int start = random.nextInt(WORDS.length() - 60);
                    sb.append('"').append(WORDS, start, start + 60).append('"');
                }
                sb.append("}\n");
                byte[] line = sb.toString().getBytes(StandardCharsets.UTF_8);
                out.write(line);
                written += line.length;
                rows++;
            }
        }
        return rows;
    }
}
