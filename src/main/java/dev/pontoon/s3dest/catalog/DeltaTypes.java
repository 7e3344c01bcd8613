package dev.pontoon.s3dest.catalog;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pontoon.s3dest.event.ColumnSpec;
import dev.pontoon.s3dest.event.ColumnStats;
import dev.pontoon.s3dest.event.ColumnType;
import dev.pontoon.s3dest.event.FileResult;
import dev.pontoon.s3dest.event.Names;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * The model's types as Delta Lake types, and a file's footer statistics as Delta's per-file {@code stats} (SPEC §14).
 *
 * <p>{@code json} is a {@code string} (Delta has no JSON type; the files annotate it as JSON, which readers take as
 * text); {@code time} is a {@code long} of microseconds since midnight (Delta has no time of day; the files hold
 * Parquet {@code TIME(MICROS)}, an INT64); {@code timestamp_ntz} needs the {@code timestampNtz} table feature.
 * Statistics: minimum and maximum for integers, decimals, dates, times, timestamps (to the millisecond, widened so
 * they stay bounds) and strings (a minimum cut to {@value #STRING_PREFIX} characters; a maximum only when it is no
 * longer); none for booleans, binary, floating point (NaN has no place in Delta's JSON bounds) and json; null
 * counts for every column.
 */
final class DeltaTypes {
    /** Delta's own writers keep 32 characters of a string bound. */
    static final int STRING_PREFIX = 32;

    private static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter TIMESTAMP_NTZ =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS").withZone(ZoneOffset.UTC);

    private DeltaTypes() {}

    /** The Delta type name of a model column. */
    static String of(ColumnType type) {
        return switch (type.kind()) {
            case BOOLEAN -> "boolean";
            case INT -> "integer";
            case BIGINT, TIME -> "long";
            case FLOAT -> "float";
            case DOUBLE -> "double";
            case DECIMAL -> "decimal(" + type.precision() + "," + type.scale() + ")";
            case STRING, JSON -> "string";
            case BINARY -> "binary";
            case DATE -> "date";
            case TIMESTAMP -> "timestamp";
            case TIMESTAMP_NTZ -> "timestamp_ntz";
        };
    }

    /** One field of a Delta schema: every column nullable (the model's own checks keep what it promises). */
    static ObjectNode field(String name, String type) {
        ObjectNode f = JsonNodeFactory.instance.objectNode();
        f.put("name", name).put("type", type).put("nullable", true).putObject("metadata");
        return f;
    }

    /** The table's schema: the files' columns, then the {@code dt} partition column (a date). */
    static ObjectNode schema(List<ColumnSpec> columns) {
        ObjectNode schema = JsonNodeFactory.instance.objectNode().put("type", "struct");
        ArrayNode fields = schema.putArray("fields");
        for (ColumnSpec c : columns) {
            fields.add(field(c.name(), of(c.type())));
        }
        fields.add(field(Names.PARTITION_COLUMN, "date"));
        return schema;
    }

    static boolean needsTimestampNtz(List<ColumnSpec> columns) {
        return columns.stream().anyMatch(c -> c.type().kind() == ColumnType.Kind.TIMESTAMP_NTZ);
    }

    /** The {@code stats} of one file's {@code add}: its rows, and per column what its footer says. */
    static ObjectNode stats(FileResult file, List<ColumnSpec> columns) {
        ObjectNode stats = JsonNodeFactory.instance.objectNode().put("numRecords", file.rows());
        if (file.columns().size() != columns.size()) {
            return stats; // statistics unknown: the row count alone
        }
        ObjectNode min = stats.putObject("minValues");
        ObjectNode max = stats.putObject("maxValues");
        ObjectNode nulls = stats.putObject("nullCount");
        for (int i = 0; i < columns.size(); i++) {
            ColumnSpec column = columns.get(i);
            ColumnStats s = file.columns().get(i);
            nulls.put(column.name(), s.nulls());
            if (s.min() != null && usable(column, s.min())) {
                bound(min, column, FooterValues.value(column.type(), s.min()), false);
            }
            if (s.max() != null && usable(column, s.max())) {
                bound(max, column, FooterValues.value(column.type(), s.max()), true);
            }
        }
        return stats;
    }

    /** A string bound cut inside a character is no longer text: it is left out rather than guessed at. */
    private static boolean usable(ColumnSpec column, byte[] bound) {
        if (column.type().kind() != ColumnType.Kind.STRING) {
            return true;
        }
        try {
            java.nio.charset.StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                    .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(bound));
            return true;
        } catch (java.nio.charset.CharacterCodingException e) {
            return false;
        }
    }

    private static void bound(ObjectNode into, ColumnSpec column, Object value, boolean upper) {
        String name = column.name();
        switch (column.type().kind()) {
            case INT -> into.put(name, (Integer) value);
            case BIGINT, TIME -> into.put(name, (Long) value);
            case DECIMAL -> into.put(name, (BigDecimal) value);
            case DATE -> into.put(name, LocalDate.ofEpochDay((Integer) value).toString());
            case TIMESTAMP, TIMESTAMP_NTZ -> {
                long micros = (Long) value;
                long millis = upper ? -Math.floorDiv(-micros, 1000) : Math.floorDiv(micros, 1000);
                DateTimeFormatter format =
                        column.type().kind() == ColumnType.Kind.TIMESTAMP ? TIMESTAMP : TIMESTAMP_NTZ;
                into.put(name, format.format(Instant.ofEpochMilli(millis)));
            }
            case STRING -> {
                String s = (String) value;
                int length = s.codePointCount(0, s.length());
                if (length <= STRING_PREFIX) {
                    into.put(name, s);
                } else if (!upper) {
                    into.put(name, s.substring(0, s.offsetByCodePoints(0, STRING_PREFIX)));
                }
            }
            default -> {
                // no bound: see the class comment
            }
        }
    }
}
