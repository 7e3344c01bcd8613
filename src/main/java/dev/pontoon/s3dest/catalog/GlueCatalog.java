package dev.pontoon.s3dest.catalog;

import dev.pontoon.s3dest.event.ColumnSpec;
import dev.pontoon.s3dest.s3.S3Errors;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.jboss.logging.Logger;
import software.amazon.awssdk.services.glue.GlueClient;
import software.amazon.awssdk.services.glue.model.BatchCreatePartitionResponse;
import software.amazon.awssdk.services.glue.model.Column;
import software.amazon.awssdk.services.glue.model.EntityNotFoundException;
import software.amazon.awssdk.services.glue.model.GlueException;
import software.amazon.awssdk.services.glue.model.PartitionError;
import software.amazon.awssdk.services.glue.model.PartitionInput;
import software.amazon.awssdk.services.glue.model.StorageDescriptor;
import software.amazon.awssdk.services.glue.model.Table;
import software.amazon.awssdk.services.glue.model.TableInput;

/**
 * The Glue Data Catalog: an external Parquet table at the model's folder, partitioned by {@code dt} with Athena
 * partition projection (so Athena needs no call per batch), and the batch's partitions registered for engines that
 * read Glue's partition list (Spark, Trino, EMR).
 */
final class GlueCatalog implements TableCatalog {
    private static final Logger LOG = Logger.getLogger(GlueCatalog.class);
    private static final String PARQUET_SERDE = "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe";
    private static final String INPUT_FORMAT = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat";
    private static final String OUTPUT_FORMAT = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat";
    /** BatchCreatePartition takes at most 100 partitions a call. */
    private static final int PARTITIONS_PER_CALL = 100;

    private final GlueClient glue;
    private final AutoCloseable credentials;
    private final java.time.Clock clock;

    GlueCatalog(GlueClient glue, AutoCloseable credentials, java.time.Clock clock) {
        this.glue = glue;
        this.credentials = credentials;
        this.clock = clock;
    }

    @Override
    public void register(TableDefinition def, CommittedBatch batch) {
        List<String> partitions = batch.partitions();
        String name = def.namespace() + "." + def.table();
        Table table = getTable(def);
        Projection range = Projection.of(partitions, java.time.LocalDate.now(clock));
        if (table == null) {
            create(def, range);
        } else {
            evolve(def, table, range);
        }
        addPartitions(def, partitions);
        LOG.infof("glue table %s: %d partitions registered", name, partitions.size());
    }

    @Override
    public String probe(TableDefinition def) {
        Table table = getTable(def);
        String name = def.namespace() + "." + def.table();
        return table == null
                ? "Glue database " + def.namespace() + " is readable; table " + name
                        + " will be created at the first commit"
                : "Glue table " + name + " is readable ("
                        + table.storageDescriptor().columns().size() + " columns)";
    }

    private Table getTable(TableDefinition def) {
        try {
            return glue.getTable(r -> r.databaseName(def.namespace()).name(def.table()))
                    .table();
        } catch (EntityNotFoundException e) {
            if (e.getMessage() != null
                    && e.getMessage().toLowerCase(Locale.ROOT).contains("database")) {
                throw new CatalogException(
                        "Glue database '" + def.namespace() + "' does not exist (EntityNotFoundException): "
                                + "create it, or set destination.catalog.database to one that exists; nothing was changed");
            }
            return null;
        } catch (GlueException e) {
            throw map(e, "glue:GetTable", def);
        }
    }

    private static String withSlash(String location) {
        return location.endsWith("/") ? location : location + "/";
    }

    private void create(TableDefinition def, Projection range) {
        TableInput input = TableInput.builder()
                .name(def.table())
                .description("Pontoon S3 destination export of " + def.modelPath())
                .tableType("EXTERNAL_TABLE")
                .parameters(parameters(def, range, Map.of()))
                .partitionKeys(Column.builder().name("dt").type("string").build())
                .storageDescriptor(StorageDescriptor.builder()
                        .columns(columns(def.columns()))
                        .location(def.location())
                        .inputFormat(INPUT_FORMAT)
                        .outputFormat(OUTPUT_FORMAT)
                        .serdeInfo(s -> s.serializationLibrary(PARQUET_SERDE))
                        .build())
                .build();
        try {
            glue.createTable(r -> r.databaseName(def.namespace()).tableInput(input));
        } catch (software.amazon.awssdk.services.glue.model.AlreadyExistsException e) {
            // Another commit created it meanwhile: check it as an existing table.
            evolve(def, getTable(def), range);
        } catch (EntityNotFoundException e) {
            throw new CatalogException(
                    "Glue database '" + def.namespace() + "' does not exist (EntityNotFoundException): "
                            + "create it, or set destination.catalog.database to one that exists; nothing was changed");
        } catch (GlueException e) {
            throw map(e, "glue:CreateTable", def);
        }
    }

    /** Columns the model gained are appended; a changed type or a dropped column is refused before any change. */
    private void evolve(TableDefinition def, Table table, Projection range) {
        // A table elsewhere belongs to another export (another customer's, perhaps): never add to it (SPEC §12).
        String at = table.storageDescriptor() == null
                ? null
                : table.storageDescriptor().location();
        if (at == null || !withSlash(at).equals(withSlash(def.location()))) {
            throw new CatalogException("Glue table " + def.namespace() + "." + def.table() + " is at " + at
                    + ", not at this destination's " + def.location()
                    + ": it belongs to another export; choose another table; nothing was changed");
        }
        Map<String, String> existing = new LinkedHashMap<>();
        for (Column c : table.storageDescriptor().columns()) {
            existing.put(c.name().toLowerCase(Locale.ROOT), c.type());
        }
        Map<String, String> wanted = new LinkedHashMap<>();
        for (Column c : columns(def.columns())) {
            wanted.put(c.name(), c.type());
        }
        String name = def.namespace() + "." + def.table();
        for (Map.Entry<String, String> e : existing.entrySet()) {
            String now = wanted.get(e.getKey());
            if (now == null) {
                throw new CatalogException(
                        "Glue table " + name + ": column " + e.getKey() + " (" + e.getValue()
                                + ") is in the table but no longer in the model; dropping a column is refused, nothing was changed");
            }
            if (!now.equalsIgnoreCase(e.getValue())) {
                throw new CatalogException(
                        "Glue table " + name + ": column " + e.getKey() + " is " + e.getValue() + " in the table but "
                                + now + " in the model; changing a column's type is refused, nothing was changed");
            }
        }
        List<Column> added = new ArrayList<>();
        wanted.forEach((column, type) -> {
            if (!existing.containsKey(column)) {
                added.add(Column.builder().name(column).type(type).build());
            }
        });
        String currentRange = table.parameters().get("projection.dt.range");
        String widened = range.widen(currentRange);
        boolean earlier = !widened.equals(currentRange);
        if (added.isEmpty() && !earlier) {
            return;
        }
        // The table's columns in the new files' order (the model's, then the two pontoon__ columns), not the added
        // ones after pontoon__: readers that match Parquet columns by position would read the wrong column.
        Map<String, Column> kept = new LinkedHashMap<>();
        for (Column c : table.storageDescriptor().columns()) {
            kept.put(c.name().toLowerCase(Locale.ROOT), c);
        }
        for (Column c : added) {
            kept.put(c.name(), c);
        }
        List<Column> columns = new ArrayList<>();
        for (String column : wanted.keySet()) {
            columns.add(kept.get(column));
        }
        TableInput input = TableInput.builder()
                .name(table.name())
                .description(table.description())
                .owner(table.owner())
                .retention(table.retention())
                .tableType(table.tableType())
                .partitionKeys(table.partitionKeys())
                .parameters(earlier ? parameters(def, range, table.parameters()) : table.parameters())
                .storageDescriptor(
                        table.storageDescriptor().toBuilder().columns(columns).build())
                .build();
        try {
            glue.updateTable(r -> r.databaseName(def.namespace()).tableInput(input));
        } catch (GlueException e) {
            throw map(e, "glue:UpdateTable", def);
        }
        if (!added.isEmpty()) {
            LOG.infof(
                    "glue table %s: added columns %s",
                    name, added.stream().map(Column::name).toList());
        }
    }

    private void addPartitions(TableDefinition def, List<String> partitions) {
        for (int from = 0; from < partitions.size(); from += PARTITIONS_PER_CALL) {
            List<PartitionInput> inputs = new ArrayList<>();
            for (String partition : partitions.subList(from, Math.min(partitions.size(), from + PARTITIONS_PER_CALL))) {
                String dt = partition.substring("dt=".length());
                inputs.add(PartitionInput.builder()
                        .values(dt)
                        .storageDescriptor(StorageDescriptor.builder()
                                .columns(columns(def.columns()))
                                .location(def.location() + partition + "/")
                                .inputFormat(INPUT_FORMAT)
                                .outputFormat(OUTPUT_FORMAT)
                                .serdeInfo(s -> s.serializationLibrary(PARQUET_SERDE))
                                .build())
                        .build());
            }
            BatchCreatePartitionResponse response;
            try {
                response = glue.batchCreatePartition(r ->
                        r.databaseName(def.namespace()).tableName(def.table()).partitionInputList(inputs));
            } catch (GlueException e) {
                throw map(e, "glue:BatchCreatePartition", def);
            }
            for (PartitionError error : response.errors()) {
                String code =
                        error.errorDetail() == null ? null : error.errorDetail().errorCode();
                if (!"AlreadyExistsException".equals(code)) {
                    throw new CatalogException("Glue table " + def.namespace() + "." + def.table() + ": partition dt="
                            + String.join(",", error.partitionValues()) + " was refused: " + code + " ("
                            + (error.errorDetail() == null
                                    ? ""
                                    : error.errorDetail().errorMessage()) + ")");
                }
            }
        }
    }

    private static List<Column> columns(List<ColumnSpec> columns) {
        return columns.stream()
                .map(c -> Column.builder()
                        .name(c.name().toLowerCase(Locale.ROOT))
                        .type(GlueTypes.of(c.type()))
                        .build())
                .toList();
    }

    /** Athena partition projection on dt, over the batches' dates, plus what the table was given before. */
    private static Map<String, String> parameters(TableDefinition def, Projection range, Map<String, String> before) {
        Map<String, String> p = new TreeMap<>(before);
        p.put("classification", "parquet");
        p.put("EXTERNAL", "TRUE");
        p.put("projection.enabled", "true");
        p.put("projection.dt.type", "date");
        p.put("projection.dt.format", "yyyy-MM-dd");
        p.put("projection.dt.interval", "1");
        p.put("projection.dt.interval.unit", "DAYS");
        p.put("projection.dt.range", range.widen(p.get("projection.dt.range")));
        p.put("storage.location.template", def.location() + "dt=${dt}");
        p.put("pontoon.managed_by", "pontoon-s3-destination");
        return p;
    }

    /**
     * The projection range {@code <start>,<end>} a batch needs. The start is the earliest batch's date. The end is
     * {@code NOW}, so the range reaches today without a call per batch; a batch dated after the commit's today (a
     * {@code transfer_started_at} in the future, or a clock behind) would be invisible through projection, so the end
     * becomes {@code NOW+<n>DAYS}, reaching that date whatever day the reader queries on. The end only ever grows.
     */
    record Projection(String first, long daysAhead) {
        private static final java.util.regex.Pattern AHEAD = java.util.regex.Pattern.compile("NOW\\+([0-9]{1,6})DAYS");

        static Projection of(List<String> partitions, java.time.LocalDate today) {
            if (partitions.isEmpty()) {
                return new Projection(null, 0);
            }
            String first = partitions.get(0).substring("dt=".length());
            java.time.LocalDate last = java.time.LocalDate.parse(
                    partitions.get(partitions.size() - 1).substring("dt=".length()));
            return new Projection(first, Math.max(0, java.time.temporal.ChronoUnit.DAYS.between(today, last)));
        }

        /** The range covering both {@code current} (null: none yet) and this batch. */
        String widen(String current) {
            String start = first;
            long ahead = daysAhead;
            if (current != null) {
                String[] ends = current.split(",", 2);
                if (start == null || ends[0].compareTo(start) < 0) {
                    start = ends[0];
                }
                java.util.regex.Matcher m = ends.length == 2 ? AHEAD.matcher(ends[1].trim()) : null;
                if (m != null && m.matches()) {
                    ahead = Math.max(ahead, Long.parseLong(m.group(1)));
                }
            }
            return (start != null ? start : "2020-01-01") + "," + (ahead == 0 ? "NOW" : "NOW+" + ahead + "DAYS");
        }
    }

    /** A Glue refusal as a cause a person can act on: the action to grant, or a retryable failure. */
    private static RuntimeException map(GlueException e, String action, TableDefinition def) {
        String code = S3Errors.errorCode(e) == null ? "HTTP " + e.statusCode() : S3Errors.errorCode(e);
        String detail = S3Errors.errorMessage(e) == null ? e.getMessage() : S3Errors.errorMessage(e);
        String table = def.namespace() + "." + def.table();
        if ("AccessDeniedException".equals(code) || e.statusCode() == 403) {
            return new CatalogException("Glue refused " + action + " on table " + table + " (" + code + "): grant "
                    + action + " on the catalog, database " + def.namespace() + " and table " + def.table()
                    + " to the function's role; nothing was committed");
        }
        if (S3Errors.isTransient(e) || "ConcurrentModificationException".equals(code)) {
            return new CatalogTransientException(
                    action + " on Glue table " + table + " failed: " + code + " (" + detail + "); retry the commit", e);
        }
        return new CatalogException(action + " on Glue table " + table + " failed: " + code + " (" + detail + ")", e);
    }

    @Override
    public void close() {
        try {
            glue.close();
        } finally {
            try {
                credentials.close();
            } catch (Exception e) {
                LOG.debugf("closing the catalog's credentials: %s", e);
            }
        }
    }
}
