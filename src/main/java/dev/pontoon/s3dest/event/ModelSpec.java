package dev.pontoon.s3dest.event;

import java.util.List;
import java.util.Objects;

/**
 * The data model being exported. {@code columns} is empty when the event declared none and the columns
 * are to be inferred from the rows.
 */
public record ModelSpec(String name, List<ColumnSpec> columns, String primaryKey) {
    public ModelSpec {
        Objects.requireNonNull(name, "name is null");
        columns = List.copyOf(columns);
    }
}
