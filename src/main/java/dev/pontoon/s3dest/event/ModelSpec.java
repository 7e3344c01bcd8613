package dev.pontoon.s3dest.event;

import java.util.List;
import java.util.Objects;

/**
 * The data model being exported. {@code columns} is empty when the event declared none and the columns
 * are to be inferred from the rows.
 */
public record ModelSpec(String name, List<ColumnSpec> columns, String primaryKey) {
    /**
     * The widest model (declared or inferred): what a transfer of that many columns was tested to write in a
     * 256 MiB heap (WideModelTest); beyond it a model is refused before anything is read.
     */
    public static final int MAX_COLUMNS = 10_000;

    public ModelSpec {
        Objects.requireNonNull(name, "name is null");
        columns = List.copyOf(columns);
    }
}
