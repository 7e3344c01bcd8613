package dev.pontoon.s3dest.event;

import java.util.Objects;

/** One model column: its name, type and whether null is allowed. */
public record ColumnSpec(String name, ColumnType type, boolean nullable) {
    public ColumnSpec {
        Objects.requireNonNull(name, "name is null");
        Objects.requireNonNull(type, "type is null");
    }
}
