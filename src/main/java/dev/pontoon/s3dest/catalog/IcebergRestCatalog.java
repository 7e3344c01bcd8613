package dev.pontoon.s3dest.catalog;

import dev.pontoon.s3dest.event.ColumnSpec;
import dev.pontoon.s3dest.event.ColumnStats;
import dev.pontoon.s3dest.event.FileResult;
import dev.pontoon.s3dest.event.Names;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.iceberg.AppendFiles;
import org.apache.iceberg.BaseTable;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DataFiles;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.Metrics;
import org.apache.iceberg.PartitionField;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.TableOperations;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.Transaction;
import org.apache.iceberg.UpdateSchema;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.encryption.EncryptionManager;
import org.apache.iceberg.exceptions.AlreadyExistsException;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.CommitStateUnknownException;
import org.apache.iceberg.exceptions.ForbiddenException;
import org.apache.iceberg.exceptions.NoSuchNamespaceException;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.apache.iceberg.exceptions.NotAuthorizedException;
import org.apache.iceberg.exceptions.RESTException;
import org.apache.iceberg.exceptions.ServiceFailureException;
import org.apache.iceberg.exceptions.ServiceUnavailableException;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.LocationProvider;
import org.apache.iceberg.mapping.MappingUtil;
import org.apache.iceberg.mapping.NameMappingParser;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.TypeUtil;
import org.apache.iceberg.types.Types;
import org.jboss.logging.Logger;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * An Apache Iceberg table behind a REST catalog (SPEC §11). A batch is one snapshot: the table is created if
 * missing, the columns the model gained are added and the batch's files appended, all in one catalog commit, with
 * each file's statistics taken from the chunk manifests (its own footer). No data file is read or rewritten.
 *
 * <p>The files carry no Parquet field ids (they are written before anyone knows the table, and are the same with or
 * without a catalog): the table's name mapping, kept current by every schema change, maps their columns to ids.
 *
 * <p>A snapshot's summary holds {@code pontoon.batch_id}: a commit whose batch is already in the table's snapshots
 * adds nothing, and that is checked again on every retry Iceberg makes after losing a race with another writer.
 */
final class IcebergRestCatalog implements TableCatalog {
    private static final Logger LOG = Logger.getLogger(IcebergRestCatalog.class);
    static final String BATCH_ID = "pontoon.batch_id";
    /** A table created by someone else at the same moment: load it and append, this many times at most. */
    private static final int CREATE_ATTEMPTS = 3;

    private final Catalog catalog;
    private final AutoCloseable resources;
    private final String uri;

    IcebergRestCatalog(Catalog catalog, AutoCloseable resources, String uri) {
        this.catalog = catalog;
        this.resources = resources;
        this.uri = uri;
    }

    @Override
    public void register(TableDefinition def, CommittedBatch batch) {
        TableIdentifier id = identifier(def);
        for (int attempt = 1; ; attempt++) {
            try {
                Table table = load(id);
                if (table == null) {
                    create(def, batch, id);
                    LOG.infof(
                            "iceberg table %s created with batch %s: %d files",
                            id, batch.batchId(), batch.files().size());
                } else if (holds(table.currentSnapshot(), table::snapshot, batch.batchId())) {
                    LOG.infof("iceberg table %s already holds batch %s: nothing to add", id, batch.batchId());
                } else {
                    append(def, batch, table);
                    LOG.infof(
                            "iceberg table %s: batch %s appended, %d files",
                            id, batch.batchId(), batch.files().size());
                }
                return;
            } catch (AlreadyCommitted e) {
                LOG.infof("iceberg table %s: batch %s was committed by another writer meanwhile", id, batch.batchId());
                return;
            } catch (AlreadyExistsException e) {
                if (attempt >= CREATE_ATTEMPTS) {
                    throw new CatalogTransientException(
                            "Iceberg table " + id + " kept being created by another writer; retry the commit", e);
                }
            } catch (CatalogException | CatalogTransientException e) {
                throw e;
            } catch (RuntimeException e) {
                throw map(e, "committing batch " + batch.batchId() + " to", id);
            }
        }
    }

    @Override
    public String probe(TableDefinition def) {
        TableIdentifier id = identifier(def);
        try {
            if (!catalog.tableExists(id)) {
                if (catalog instanceof org.apache.iceberg.catalog.SupportsNamespaces ns
                        && !ns.namespaceExists(id.namespace())) {
                    throw new CatalogException(
                            "Iceberg namespace '" + id.namespace() + "' does not exist in the REST catalog " + uri);
                }
                return "Iceberg REST catalog " + uri + " is reachable; table " + id
                        + " will be created at the first commit";
            }
            return "Iceberg REST catalog " + uri + " is reachable; table " + id + " exists";
        } catch (CatalogException e) {
            throw e;
        } catch (RuntimeException e) {
            throw map(e, "reading", id);
        }
    }

    private Table load(TableIdentifier id) {
        try {
            return catalog.loadTable(id);
        } catch (NoSuchTableException e) {
            return null;
        }
    }

    private void create(TableDefinition def, CommittedBatch batch, TableIdentifier id) {
        Schema schema = schema(def.columns());
        PartitionSpec spec =
                PartitionSpec.builderFor(schema).day(Names.SYNCED_AT_COLUMN).build();
        String location = def.location().substring(0, def.location().length() - 1);
        Transaction tx = catalog.buildTable(id, schema)
                .withPartitionSpec(spec)
                .withLocation(location)
                .withProperty(TableProperties.FORMAT_VERSION, "2")
                .withProperty("pontoon.managed_by", "pontoon-s3-destination")
                .createTransaction();
        // The ids the catalog assigned, not the ones asked for.
        setNameMapping(tx);
        appendFiles(tx, def, batch);
        tx.commitTransaction();
    }

    private void append(TableDefinition def, CommittedBatch batch, Table table) {
        Schema current = table.schema();
        List<Change> changes = changes(def, current, identifier(def));
        TableOperations ops = ((HasTableOperations) table).operations();
        Transaction tx = new BaseTable(new BatchGuard(ops, batch.batchId()), table.name()).newTransaction();
        if (!changes.isEmpty()) {
            UpdateSchema update = tx.updateSchema();
            changes.forEach(c -> c.apply(update));
            update.commit();
            LOG.infof(
                    "iceberg table %s: %s",
                    table.name(), changes.stream().map(Change::toString).collect(Collectors.joining(", ")));
        }
        if (tx.table().properties().get(TableProperties.DEFAULT_NAME_MAPPING) == null) {
            setNameMapping(tx); // a table created elsewhere; schema updates keep an existing mapping current
        }
        appendFiles(tx, def, batch);
        tx.commitTransaction();
    }

    /** Maps every column name of the transaction's schema to its id, for files without field ids. */
    private static void setNameMapping(Transaction tx) {
        tx.updateProperties()
                .set(
                        TableProperties.DEFAULT_NAME_MAPPING,
                        NameMappingParser.toJson(MappingUtil.create(tx.table().schema())))
                .commit();
    }

    /** One snapshot of the batch's files; a batch without files adds none. */
    private static void appendFiles(Transaction tx, TableDefinition def, CommittedBatch batch) {
        if (batch.files().isEmpty()) {
            return;
        }
        Table table = tx.table();
        StructLike partition = partition(table.spec(), table.schema(), batch, table.name());
        AppendFiles append = tx.newFastAppend();
        for (FileResult f : batch.files()) {
            append.appendFile(dataFile(table, def, partition, f));
        }
        append.set(BATCH_ID, batch.batchId());
        append.set("pontoon.transfer_started_at", batch.startedAt().toString());
        append.commit();
    }

    private static DataFile dataFile(Table table, TableDefinition def, StructLike partition, FileResult f) {
        return DataFiles.builder(table.spec())
                .withPath("s3://" + def.bucket() + "/" + f.key())
                .withFormat(FileFormat.PARQUET)
                .withFileSizeInBytes(f.bytes())
                .withPartition(partition)
                .withMetrics(metrics(table.schema(), def.columns(), f))
                .build();
    }

    /** The file's footer statistics, keyed by the table's field ids. */
    static Metrics metrics(Schema schema, List<ColumnSpec> columns, FileResult f) {
        Map<Integer, Long> sizes = new HashMap<>();
        Map<Integer, Long> values = new HashMap<>();
        Map<Integer, Long> nulls = new HashMap<>();
        Map<Integer, ByteBuffer> lower = new HashMap<>();
        Map<Integer, ByteBuffer> upper = new HashMap<>();
        if (f.columns().size() == columns.size()) {
            for (int i = 0; i < columns.size(); i++) {
                ColumnSpec column = columns.get(i);
                ColumnStats stats = f.columns().get(i);
                int fieldId = schema.findField(column.name()).fieldId();
                sizes.put(fieldId, stats.bytes());
                values.put(fieldId, stats.values());
                if (stats.nulls() >= 0) {
                    nulls.put(fieldId, stats.nulls());
                }
                ByteBuffer lo = IcebergTypes.lower(column.type(), stats);
                ByteBuffer hi = IcebergTypes.upper(column.type(), stats);
                if (lo != null && hi != null) {
                    lower.put(fieldId, lo);
                    upper.put(fieldId, hi);
                }
            }
        }
        // NaN counts stay unknown: the footer does not count them (a float column's bounds exclude NaN).
        return new Metrics(f.rows(), sizes, values, nulls, null, lower, upper);
    }

    /**
     * The files' partition under the table's spec. Every row of a batch has the same {@code pontoon__batch_id} and
     * {@code pontoon__last_synced_at}, so a spec over those columns (the one this function creates is
     * {@code day(pontoon__last_synced_at)}) has one value per batch; a spec over a data column cannot be served.
     */
    private static StructLike partition(PartitionSpec spec, Schema schema, CommittedBatch batch, String table) {
        Object[] values = new Object[spec.fields().size()];
        for (int i = 0; i < values.length; i++) {
            PartitionField field = spec.fields().get(i);
            Types.NestedField source = schema.findField(field.sourceId());
            Object value = switch (source.name()) {
                case Names.SYNCED_AT_COLUMN ->
                    java.util.concurrent.TimeUnit.SECONDS.toMicros(
                                    batch.startedAt().getEpochSecond())
                            + batch.startedAt().getNano() / 1000;
                case Names.BATCH_ID_COLUMN -> batch.batchId();
                default ->
                    throw new CatalogException("Iceberg table " + table + " is partitioned by "
                            + field.transform() + "(" + source.name() + "), which Pontoon's files do not hold "
                            + "one value of; partition it by " + Names.SYNCED_AT_COLUMN + " or "
                            + Names.BATCH_ID_COLUMN + "; nothing was committed");
            };
            @SuppressWarnings("unchecked")
            org.apache.iceberg.transforms.Transform<Object, Object> transform =
                    (org.apache.iceberg.transforms.Transform<Object, Object>) field.transform();
            values[i] = transform.bind(source.type()).apply(value);
        }
        return new PartitionValues(values);
    }

    /** A new table's schema: the file columns in order, required where the model says so. */
    private static Schema schema(List<ColumnSpec> columns) {
        List<Types.NestedField> fields = new ArrayList<>();
        int id = 1;
        for (ColumnSpec c : columns) {
            fields.add(Types.NestedField.of(id++, c.nullable(), c.name(), IcebergTypes.of(c.type())));
        }
        return new Schema(fields);
    }

    /** One schema change the model asks for. */
    private record Change(Kind kind, String column, Type.PrimitiveType type) {
        enum Kind {
            ADD,
            PROMOTE,
            MAKE_OPTIONAL
        }

        void apply(UpdateSchema update) {
            switch (kind) {
                case ADD -> update.addColumn(column, type);
                case PROMOTE -> update.updateColumn(column, type);
                case MAKE_OPTIONAL -> update.makeColumnOptional(column);
            }
        }

        @Override
        public String toString() {
            return switch (kind) {
                case ADD -> "column " + column + " added as " + type;
                case PROMOTE -> "column " + column + " promoted to " + type;
                case MAKE_OPTIONAL -> "column " + column + " made optional";
            };
        }
    }

    /**
     * What the model changes in the table's schema: gained columns (added, optional), types Iceberg promotes
     * (int to long, float to double, a wider decimal), required columns that became nullable. Anything else is
     * refused before any change, naming the column.
     */
    private static List<Change> changes(TableDefinition def, Schema current, TableIdentifier id) {
        List<Change> changes = new ArrayList<>();
        Set<String> modelNames = def.columns().stream().map(ColumnSpec::name).collect(Collectors.toSet());
        for (Types.NestedField f : current.columns()) {
            if (!modelNames.contains(f.name())) {
                throw new CatalogException("Iceberg table " + id + ": column " + f.name() + " (" + f.type()
                        + ") is in the table but no longer in the model; dropping a column is refused, nothing was "
                        + "committed");
            }
        }
        for (ColumnSpec c : def.columns()) {
            Types.NestedField f = current.findField(c.name());
            Type.PrimitiveType wanted = IcebergTypes.of(c.type());
            if (f == null) {
                changes.add(new Change(Change.Kind.ADD, c.name(), wanted));
                continue;
            }
            if (!f.type().equals(wanted)) {
                if (!f.type().isPrimitiveType() || !TypeUtil.isPromotionAllowed(f.type(), wanted)) {
                    throw new CatalogException("Iceberg table " + id + ": column " + c.name() + " is " + f.type()
                            + " in the table but " + wanted + " in the model (" + c.type()
                            + "); Iceberg cannot promote it, nothing was committed");
                }
                changes.add(new Change(Change.Kind.PROMOTE, c.name(), wanted));
            }
            if (f.isRequired() && c.nullable()) {
                changes.add(new Change(Change.Kind.MAKE_OPTIONAL, c.name(), null));
            }
        }
        return changes;
    }

    /**
     * Whether the table's current state holds the batch: only the current snapshot's ancestry counts, so a batch
     * whose snapshot was rolled back (still in the table's history, no longer in its data) is committed again.
     */
    private static boolean holds(Snapshot current, java.util.function.Function<Long, Snapshot> lookup, String batchId) {
        if (current == null) {
            return false;
        }
        for (Snapshot s : org.apache.iceberg.util.SnapshotUtil.ancestorsOf(current.snapshotId(), lookup)) {
            if (s.summary() != null && batchId.equals(s.summary().get(BATCH_ID))) {
                return true;
            }
        }
        return false;
    }

    private static TableIdentifier identifier(TableDefinition def) {
        return TableIdentifier.of(Namespace.of(def.namespace().split("\\.")), def.table());
    }

    /** A catalog or storage failure as a cause a person can act on: what to grant, or a retryable failure. */
    private RuntimeException map(RuntimeException e, String action, TableIdentifier id) {
        return map(e, action, id, "Iceberg table " + id + " at " + uri);
    }

    /** A failure while the catalog is opened (its config call), mapped as any other catalog failure. */
    static RuntimeException opening(RuntimeException e, String uri) {
        if (e instanceof dev.pontoon.s3dest.event.DestinationException) {
            return e;
        }
        return map(e, "opening", null, "the REST catalog " + uri);
    }

    private static RuntimeException map(RuntimeException e, String action, TableIdentifier id, String where) {
        if (e instanceof ForbiddenException || e instanceof NotAuthorizedException) {
            return new CatalogException(
                    "the REST catalog refused " + action + " " + where + " ("
                            + e.getClass().getSimpleName() + ": "
                            + e.getMessage() + "): grant the function's role access to the namespace and table (for "
                            + "AWS Glue's endpoint: glue:GetCatalog, glue:GetDatabase, glue:GetTable, glue:CreateTable "
                            + "and glue:UpdateTable); nothing was committed",
                    e);
        }
        if (e instanceof NoSuchNamespaceException) {
            return new CatalogException(
                    "Iceberg namespace '" + (id == null ? "?" : id.namespace()) + "' does not exist in " + where
                            + "; nothing was committed",
                    e);
        }
        if (e instanceof CommitFailedException
                || e instanceof CommitStateUnknownException
                || e instanceof ServiceFailureException
                || e instanceof ServiceUnavailableException
                || e instanceof UncheckedIOException) {
            return new CatalogTransientException(
                    action + " " + where + " failed: " + e.getClass().getSimpleName() + " (" + e.getMessage()
                            + "); retry the commit: it checks the table's snapshots for the batch first",
                    e);
        }
        if (e instanceof S3Exception s3 && (s3.statusCode() == 403)) {
            return new CatalogException(
                    "S3 refused writing the table's metadata ("
                            + s3.awsErrorDetails().errorCode() + ") under "
                            + where + ": grant s3:PutObject and s3:GetObject on the table's location; nothing was "
                            + "committed",
                    e);
        }
        if (e instanceof SdkException sdk && sdk.retryable()) {
            return new CatalogTransientException(action + " " + where + " failed: " + e.getMessage(), e);
        }
        if (e instanceof RESTException) {
            return new CatalogTransientException(action + " " + where + " failed: " + e.getMessage(), e);
        }
        return new CatalogException(
                action + " " + where + " failed: " + e.getClass().getSimpleName() + " (" + e.getMessage() + ")", e);
    }

    @Override
    public void close() {
        try {
            resources.close();
        } catch (Exception e) {
            LOG.debugf("closing the REST catalog: %s", e);
        }
    }

    /** Thrown from a commit attempt that finds the batch already in the table: nothing is left to add. */
    private static final class AlreadyCommitted extends RuntimeException {
        AlreadyCommitted() {
            super(null, null, false, false);
        }
    }

    /**
     * The table's operations, refusing a commit whose base already holds the batch: Iceberg retries a commit that
     * lost a race on the refreshed table, and the writer that won may have been another commit of this batch.
     */
    private record BatchGuard(TableOperations delegate, String batchId) implements TableOperations {
        @Override
        public TableMetadata current() {
            return delegate.current();
        }

        @Override
        public TableMetadata refresh() {
            return delegate.refresh();
        }

        @Override
        public void commit(TableMetadata base, TableMetadata metadata) {
            if (base != null && holds(base.currentSnapshot(), base::snapshot, batchId)) {
                throw new AlreadyCommitted();
            }
            delegate.commit(base, metadata);
        }

        @Override
        public FileIO io() {
            return delegate.io();
        }

        @Override
        public EncryptionManager encryption() {
            return delegate.encryption();
        }

        @Override
        public String metadataFileLocation(String fileName) {
            return delegate.metadataFileLocation(fileName);
        }

        @Override
        public LocationProvider locationProvider() {
            return delegate.locationProvider();
        }

        @Override
        public TableOperations temp(TableMetadata uncommittedMetadata) {
            return delegate.temp(uncommittedMetadata);
        }

        @Override
        public long newSnapshotId() {
            return delegate.newSnapshotId();
        }

        @Override
        public boolean requireStrictCleanup() {
            return delegate.requireStrictCleanup();
        }
    }

    /** A partition tuple. */
    private record PartitionValues(Object[] values) implements StructLike {
        @Override
        public int size() {
            return values.length;
        }

        @Override
        public <T> T get(int pos, Class<T> javaClass) {
            return javaClass.cast(values[pos]);
        }

        @Override
        public <T> void set(int pos, T value) {
            values[pos] = value;
        }
    }
}
