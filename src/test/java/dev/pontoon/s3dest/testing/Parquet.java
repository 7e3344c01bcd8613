package dev.pontoon.s3dest.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.s3.S3Client;

/** Reads Parquet back with DuckDB (JDBC): an independent reader, like the engines users query with. */
public final class Parquet {
    private Parquet() {}

    /** Downloads an object to a temporary file DuckDB can open. */
    public static Path download(S3Client s3, String bucket, String key) throws Exception {
        Path file = Files.createTempFile("s3dest-", ".parquet");
        Files.delete(file);
        s3.getObject(r -> r.bucket(bucket).key(key), file);
        file.toFile().deleteOnExit();
        return file;
    }

    /** Every row of the query, each as column label → value (JDBC objects as DuckDB returns them). */
    public static List<Map<String, Object>> query(String sql) throws SQLException {
        // The driver directly, not DriverManager: after a @QuarkusTest the driver may be registered from Quarkus's
        // class loader, which DriverManager then hides from tests running in the application class loader.
        try (Connection c = new org.duckdb.DuckDBDriver().connect("jdbc:duckdb:", new java.util.Properties());
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            ResultSetMetaData md = rs.getMetaData();
            List<Map<String, Object>> rows = new ArrayList<>();
            while (rs.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    row.put(md.getColumnLabel(i), rs.getObject(i));
                }
                rows.add(row);
            }
            return rows;
        }
    }

    /** Runs one statement (a COPY that writes a test's input, say) in a fresh in-memory DuckDB. */
    public static void execute(String sql) throws SQLException {
        try (Connection c = new org.duckdb.DuckDBDriver().connect("jdbc:duckdb:", new java.util.Properties());
                Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    /** Rows of the file, values cast to text by DuckDB so they can be compared exactly. */
    public static List<Map<String, Object>> rowsAsText(Path file, String orderBy) throws SQLException {
        List<Map<String, Object>> typed = query("SELECT * FROM read_parquet('" + file + "') ORDER BY " + orderBy);
        List<Map<String, Object>> text = new ArrayList<>();
        for (Map<String, Object> row : typed) {
            Map<String, Object> t = new LinkedHashMap<>();
            row.forEach((k, v) -> t.put(k, v == null ? null : v.toString()));
            text.add(t);
        }
        return text;
    }

    /** Column name → DuckDB's type name, as {@code DESCRIBE} shows it. */
    public static Map<String, String> duckTypes(Path file) throws SQLException {
        Map<String, String> types = new LinkedHashMap<>();
        for (Map<String, Object> r : query("DESCRIBE SELECT * FROM read_parquet('" + file + "')")) {
            types.put((String) r.get("column_name"), (String) r.get("column_type"));
        }
        return types;
    }

    public static long count(Path file) throws SQLException {
        return ((Number) query("SELECT count(*) AS n FROM read_parquet('" + file + "')")
                        .get(0)
                        .get("n"))
                .longValue();
    }
}
