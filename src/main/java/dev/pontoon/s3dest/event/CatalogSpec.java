package dev.pontoon.s3dest.event;

import java.util.Objects;

/**
 * Where a committed batch is registered ({@code destination.catalog}, SPEC §10): an AWS Glue Data Catalog table.
 *
 * @param table the table name; the model's name when the event gives none
 * @param region the catalog's region, or null for the destination's
 */
public record CatalogSpec(Type type, String database, String table, String region) {
    public enum Type {
        GLUE
    }

    public CatalogSpec {
        Objects.requireNonNull(type, "type is null");
        Objects.requireNonNull(database, "database is null");
    }

    /** The table name for {@code model}: the configured one, else the model's. */
    public String tableFor(String model) {
        return table != null ? table : model;
    }
}
