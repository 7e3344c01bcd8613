package dev.pontoon.s3dest.catalog;

import dev.pontoon.s3dest.event.ColumnType;

/**
 * The Glue (Hive) type of each model type, as Athena, Trino and Spark read the Parquet files (docs/BATCHES.md "Glue Data
 * Catalog" has the table).
 */
final class GlueTypes {
    private GlueTypes() {}

    static String of(ColumnType type) {
        return switch (type.kind()) {
            case BOOLEAN -> "boolean";
            case INT -> "int";
            case BIGINT -> "bigint";
            case FLOAT -> "float";
            case DOUBLE -> "double";
            case DECIMAL -> "decimal(" + type.precision() + "," + type.scale() + ")";
            // varchar(n) is checked on the way in; Hive's varchar would be read back padded or cut by some engines.
            case STRING, JSON -> "string";
            case BINARY -> "binary";
            case DATE -> "date";
            // Hive has no time of day: the Parquet value is microseconds since midnight (INT64).
            case TIME -> "bigint";
            case TIMESTAMP, TIMESTAMP_NTZ -> "timestamp";
        };
    }
}
