package dev.pontoon.s3dest.parquet;

import dev.pontoon.s3dest.event.ColumnSpec;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;

/** Writes {@link Row}s whose slots follow the schema given at construction. */
final class RowWriteSupport extends WriteSupport<Row> {
    private final MessageType schema;
    private final PrimitiveTypeName[] physical;
    private final String[] names;
    private final Map<String, String> metadata;
    private RecordConsumer consumer;

    RowWriteSupport(MessageType schema, List<ColumnSpec> columns, Map<String, String> metadata) {
        this.schema = schema;
        this.metadata = metadata;
        this.physical = new PrimitiveTypeName[columns.size()];
        this.names = new String[columns.size()];
        for (int i = 0; i < physical.length; i++) {
            physical[i] = schema.getType(i).asPrimitiveType().getPrimitiveTypeName();
            names[i] = columns.get(i).name();
        }
    }

    @Override
    public WriteContext init(ParquetConfiguration configuration) {
        return new WriteContext(schema, metadata);
    }

    /** Required by the abstract class; the writer is always built with a ParquetConfiguration, never Hadoop's. */
    @Override
    public WriteContext init(Configuration configuration) {
        return new WriteContext(schema, metadata);
    }

    @Override
    public void prepareForWrite(RecordConsumer recordConsumer) {
        this.consumer = recordConsumer;
    }

    @Override
    public void write(Row row) {
        RecordConsumer c = consumer;
        c.startMessage();
        for (int i = 0; i < physical.length; i++) {
            if (!row.present[i]) {
                continue;
            }
            c.startField(names[i], i);
            switch (physical[i]) {
                case BOOLEAN -> c.addBoolean(row.longs[i] != 0);
                case INT32 -> c.addInteger((int) row.longs[i]);
                case INT64 -> c.addLong(row.longs[i]);
                case FLOAT -> c.addFloat((float) row.doubles[i]);
                case DOUBLE -> c.addDouble(row.doubles[i]);
                case BINARY, FIXED_LEN_BYTE_ARRAY -> c.addBinary(row.binaries[i]);
                default -> throw new IllegalStateException("unexpected physical type " + physical[i]);
            }
            c.endField(names[i], i);
        }
        c.endMessage();
    }
}
