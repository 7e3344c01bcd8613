package dev.pontoon.s3dest.catalog;

/** A catalog the commit registers a batch in (SPEC §10): one call, repeatable, all or nothing per table change. */
public interface TableCatalog extends AutoCloseable {
    /**
     * Makes the table describe the batch: creates it if missing, adds the columns the model gained, and registers
     * the batch (Glue: its partitions, one that exists is fine; Iceberg: its files, in one snapshot, once). A column
     * whose type changed, or that the model dropped, is refused before anything is changed.
     */
    void register(TableDefinition table, CommittedBatch batch);

    /**
     * What the connection test asks: can the function read the table (it may not exist yet)? A sentence for a
     * person; a {@link CatalogException} naming the action to grant when it cannot.
     */
    String probe(TableDefinition table);

    @Override
    void close();
}
