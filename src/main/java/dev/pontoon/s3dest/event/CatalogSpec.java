package dev.pontoon.s3dest.event;

import java.util.Objects;

/**
 * Where a committed batch is registered ({@code destination.catalog}, or one of {@code destination.catalogs}): an
 * AWS Glue Data Catalog table (SPEC §10), an Apache Iceberg table behind a REST catalog (SPEC §11), or a Delta Lake
 * table whose log lives beside the files (SPEC §14).
 *
 * @param namespace the Glue database, or the Iceberg namespace (levels separated by {@code .}); null for Delta
 * @param table the table name; the model's name when the event gives none
 * @param region the catalog's region (Glue's, or the SigV4 signing region), or null for the destination's
 * @param uri the REST catalog's base URI (Iceberg only)
 * @param warehouse the REST catalog's warehouse, or null for the catalog's default (Iceberg only)
 * @param sigv4 whether REST requests are signed with the destination's AWS credentials (Iceberg only)
 * @param signingName the SigV4 service name, e.g. {@code glue} (Iceberg only)
 * @param field where it is in the event ({@code destination.catalog} or {@code destination.catalogs[i]}), for errors
 */
public record CatalogSpec(
        Type type,
        String namespace,
        String table,
        String region,
        String uri,
        String warehouse,
        boolean sigv4,
        String signingName,
        String field) {
    public enum Type {
        GLUE("glue"),
        ICEBERG_REST("iceberg-rest"),
        DELTA("delta");

        private final String spelling;

        Type(String spelling) {
            this.spelling = spelling;
        }

        /** As the event spells it. */
        public String spelling() {
            return spelling;
        }
    }

    public CatalogSpec {
        Objects.requireNonNull(type, "type is null");
        if (type != Type.DELTA) {
            Objects.requireNonNull(namespace, "namespace is null");
        }
        if (type == Type.ICEBERG_REST) {
            Objects.requireNonNull(uri, "uri is null");
        }
    }

    public static CatalogSpec glue(String database, String table, String region, String field) {
        return new CatalogSpec(Type.GLUE, database, table, region, null, null, false, null, field);
    }

    /** A Delta Lake table at the model's folder: it has no name apart from its location. */
    public static CatalogSpec delta(String field) {
        return new CatalogSpec(Type.DELTA, null, null, null, null, null, false, null, field);
    }

    /** The table name for {@code model}: the configured one, else the model's. */
    public String tableFor(String model) {
        return table != null ? table : model;
    }
}
