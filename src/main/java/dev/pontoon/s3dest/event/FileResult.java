package dev.pontoon.s3dest.event;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.List;

/**
 * One data file written: its key, rows and size in bytes, and (not part of the function's output) what its footer
 * says of each column, in the file's column order; empty when not known.
 */
public record FileResult(
        String key, long rows, long bytes, @JsonIgnore List<ColumnStats> columns) {
    public FileResult {
        columns = List.copyOf(columns);
    }

    public FileResult(String key, long rows, long bytes) {
        this(key, rows, bytes, List.of());
    }
}
