package dev.pontoon.s3dest.event;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A model column's type, as SPEC §3 lists them. Precision and scale are meaningful for {@link Kind#DECIMAL} only;
 * {@code maxLength} (characters, 0 for none) for {@code varchar(n)}/{@code char(n)} only. {@code spelling} is the
 * name the model used where two names share a kind ({@code timestamptz}, {@code varchar(20)}), so messages and
 * manifests show the type as declared; it takes no part in equality.
 */
public record ColumnType(Kind kind, int precision, int scale, int maxLength, String spelling) {

    public enum Kind {
        BOOLEAN,
        INT,
        BIGINT,
        FLOAT,
        DOUBLE,
        DECIMAL,
        STRING,
        JSON,
        BINARY,
        DATE,
        TIME,
        TIMESTAMP,
        TIMESTAMP_NTZ
    }

    /** Parquet's widest common decimal; engines such as Athena and Spark stop at 38 too. */
    public static final int MAX_DECIMAL_PRECISION = 38;

    private static final Pattern DECIMAL =
            Pattern.compile("(?:decimal|numeric)\\s*\\(\\s*(\\d{1,3})\\s*(?:,\\s*(\\d{1,3})\\s*)?\\)");
    private static final Pattern VARCHAR = Pattern.compile("(varchar|char)\\s*\\(\\s*(\\d{1,9})\\s*\\)");

    public static ColumnType of(Kind kind) {
        return new ColumnType(kind, 0, 0, 0, null);
    }

    public static ColumnType decimal(int precision, int scale) {
        return new ColumnType(Kind.DECIMAL, precision, scale, 0, null);
    }

    /** A string of at most {@code maxLength} characters (Unicode code points). */
    public static ColumnType bounded(String name, int maxLength) {
        return new ColumnType(Kind.STRING, 0, 0, maxLength, name + "(" + maxLength + ")");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ColumnType t
                && t.kind == kind
                && t.precision == precision
                && t.scale == scale
                && t.maxLength == maxLength;
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(kind, precision, scale, maxLength);
    }

    /** Parses a type name of the model; {@code field} names the place for the error message. */
    public static ColumnType parse(String field, String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        Kind simple = switch (t) {
            case "boolean", "bool" -> Kind.BOOLEAN;
            case "int", "integer" -> Kind.INT;
            case "bigint", "long" -> Kind.BIGINT;
            case "float", "real" -> Kind.FLOAT;
            case "double" -> Kind.DOUBLE;
            case "string", "text", "varchar", "uuid" -> Kind.STRING;
            case "json" -> Kind.JSON;
            case "binary", "bytes" -> Kind.BINARY;
            case "date" -> Kind.DATE;
            case "time" -> Kind.TIME;
            case "timestamp" -> Kind.TIMESTAMP;
            case "timestamptz" -> null;
            case "timestamp_ntz" -> Kind.TIMESTAMP_NTZ;
            default -> null;
        };
        if (simple != null) {
            return of(simple);
        }
        if (t.equals("timestamptz")) {
            return new ColumnType(Kind.TIMESTAMP, 0, 0, 0, "timestamptz");
        }
        Matcher v = VARCHAR.matcher(t);
        if (v.matches()) {
            int n = Integer.parseInt(v.group(2));
            if (n < 1) {
                throw new InvalidEventException(field + ": " + v.group(1) + " length must be at least 1");
            }
            return bounded(v.group(1), n);
        }
        Matcher m = DECIMAL.matcher(t);
        if (m.matches()) {
            int p = Integer.parseInt(m.group(1));
            int s = m.group(2) == null ? 0 : Integer.parseInt(m.group(2));
            if (p < 1 || p > MAX_DECIMAL_PRECISION) {
                throw new InvalidEventException(
                        field + ": decimal precision " + p + " is outside 1.." + MAX_DECIMAL_PRECISION);
            }
            if (s > p) {
                throw new InvalidEventException(field + ": decimal scale " + s + " is greater than precision " + p);
            }
            return decimal(p, s);
        }
        if (t.equals("decimal") || t.equals("numeric")) {
            throw new InvalidEventException(field + ": decimal needs a precision and scale, e.g. decimal(12,2)");
        }
        String suggestion = suggest(t);
        throw new InvalidEventException(field + ": unknown column type '" + text + "'"
                + (suggestion == null ? "" : "; did you mean '" + suggestion + "'?"));
    }

    /**
     * The supported type a name from another system most likely means: SQL spellings (timestamp with time zone,
     * varchar2(20), int8, number(10,2)), then the nearest supported name by edit distance.
     */
    static String suggest(String t) {
        String s = t.replaceAll("\\s+", " ");
        if (s.matches("timestamp(\\(\\d+\\))? with time zone|timestamp_tz|datetimeoffset")) {
            return "timestamptz";
        }
        if (s.matches("timestamp(\\(\\d+\\))?( without time zone)?|datetime2?|timestamp_ltz")) {
            return "timestamp_ntz";
        }
        Matcher sized = Pattern.compile("(n?varchar2|nvarchar|character varying|nchar)\\s*\\((\\d+)\\)")
                .matcher(s);
        if (sized.matches()) {
            return "varchar(" + sized.group(2) + ")";
        }
        Matcher number = Pattern.compile("(number|numeric|decimal)\\s*\\((\\d+)\\s*(,\\s*(\\d+))?\\)")
                .matcher(s);
        if (number.matches()) {
            return "decimal(" + number.group(2) + "," + (number.group(4) == null ? "0" : number.group(4)) + ")";
        }
        switch (s) {
            case "int8", "int64", "long integer" -> {
                return "bigint";
            }
            case "int4", "int32", "smallint", "tinyint", "int2" -> {
                return "int";
            }
            case "float8", "float64", "double precision" -> {
                return "double";
            }
            case "float4", "float32" -> {
                return "float";
            }
            case "jsonb", "variant", "object", "struct", "array", "map" -> {
                return "json";
            }
            case "bytea", "blob", "varbinary" -> {
                return "binary";
            }
            case "clob", "nvarchar", "nchar", "char", "character", "character varying", "varchar2", "nvarchar2" -> {
                return "string";
            }
            default -> {}
        }
        String best = null;
        int bestDistance = 3; // only close misspellings
        for (String known : KNOWN_NAMES) {
            int d = distance(s, known);
            if (d < bestDistance) {
                bestDistance = d;
                best = known;
            }
        }
        return best;
    }

    private static final java.util.List<String> KNOWN_NAMES = java.util.List.of(
            "boolean",
            "int",
            "integer",
            "bigint",
            "long",
            "float",
            "real",
            "double",
            "string",
            "text",
            "varchar",
            "uuid",
            "json",
            "binary",
            "bytes",
            "date",
            "time",
            "timestamp",
            "timestamptz",
            "timestamp_ntz");

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    @Override
    public String toString() {
        if (spelling != null) {
            return spelling;
        }
        return kind == Kind.DECIMAL
                ? "decimal(" + precision + "," + scale + ")"
                : kind.name().toLowerCase(Locale.ROOT);
    }
}
