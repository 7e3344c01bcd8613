package dev.pontoon.s3dest.catalog;

import dev.pontoon.s3dest.event.ColumnSpec;
import java.util.List;

/**
 * What a batch's files look like to a catalog.
 *
 * @param namespace the Glue database or the Iceberg namespace
 * @param modelPath {@code <prefix>/<model>/}: the table's location under the bucket
 * @param columns the files' columns: the model's, then the two {@code pontoon__} columns
 */
public record TableDefinition(
        String namespace, String table, String bucket, String modelPath, List<ColumnSpec> columns) {
    public TableDefinition {
        columns = List.copyOf(columns);
    }

    /** {@code s3://<bucket>/<prefix>/<model>/} */
    public String location() {
        return "s3://" + bucket + "/" + modelPath;
    }
}
