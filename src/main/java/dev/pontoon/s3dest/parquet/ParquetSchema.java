package dev.pontoon.s3dest.parquet;

import static org.apache.parquet.schema.LogicalTypeAnnotation.TimeUnit.MICROS;

import dev.pontoon.s3dest.event.ColumnSpec;
import dev.pontoon.s3dest.event.ColumnType;
import dev.pontoon.s3dest.event.Names;
import java.util.ArrayList;
import java.util.List;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Type.Repetition;
import org.apache.parquet.schema.Types;

/**
 * The Parquet schema of a model (SPEC §3): its columns in declared order, then {@code pontoon__batch_id} and
 * {@code pontoon__last_synced_at}.
 */
public final class ParquetSchema {
    private ParquetSchema() {}

    /** The model's columns followed by the two columns Pontoon adds to every file. */
    public static List<ColumnSpec> withPontoonColumns(List<ColumnSpec> modelColumns) {
        List<ColumnSpec> all = new ArrayList<>(modelColumns);
        all.add(new ColumnSpec(Names.BATCH_ID_COLUMN, ColumnType.of(ColumnType.Kind.STRING), true));
        all.add(new ColumnSpec(Names.SYNCED_AT_COLUMN, ColumnType.of(ColumnType.Kind.TIMESTAMP), true));
        return all;
    }

    public static MessageType messageType(String model, List<ColumnSpec> columns) {
        Types.MessageTypeBuilder builder = Types.buildMessage();
        for (ColumnSpec column : columns) {
            builder.addField(field(column));
        }
        return builder.named(model);
    }

    static Type field(ColumnSpec column) {
        Repetition rep = column.nullable() ? Repetition.OPTIONAL : Repetition.REQUIRED;
        ColumnType type = column.type();
        return switch (type.kind()) {
            case BOOLEAN -> Types.primitive(PrimitiveTypeName.BOOLEAN, rep).named(column.name());
            case INT -> Types.primitive(PrimitiveTypeName.INT32, rep).named(column.name());
            case BIGINT -> Types.primitive(PrimitiveTypeName.INT64, rep).named(column.name());
            case FLOAT -> Types.primitive(PrimitiveTypeName.FLOAT, rep).named(column.name());
            case DOUBLE -> Types.primitive(PrimitiveTypeName.DOUBLE, rep).named(column.name());
            case DECIMAL -> decimal(column.name(), rep, type.precision(), type.scale());
            case STRING ->
                Types.primitive(PrimitiveTypeName.BINARY, rep)
                        .as(LogicalTypeAnnotation.stringType())
                        .named(column.name());
            case JSON ->
                Types.primitive(PrimitiveTypeName.BINARY, rep)
                        .as(LogicalTypeAnnotation.jsonType())
                        .named(column.name());
            case BINARY -> Types.primitive(PrimitiveTypeName.BINARY, rep).named(column.name());
            case DATE ->
                Types.primitive(PrimitiveTypeName.INT32, rep)
                        .as(LogicalTypeAnnotation.dateType())
                        .named(column.name());
            case TIME ->
                Types.primitive(PrimitiveTypeName.INT64, rep)
                        .as(LogicalTypeAnnotation.timeType(false, MICROS))
                        .named(column.name());
            case TIMESTAMP ->
                Types.primitive(PrimitiveTypeName.INT64, rep)
                        .as(LogicalTypeAnnotation.timestampType(true, MICROS))
                        .named(column.name());
            case TIMESTAMP_NTZ ->
                Types.primitive(PrimitiveTypeName.INT64, rep)
                        .as(LogicalTypeAnnotation.timestampType(false, MICROS))
                        .named(column.name());
        };
    }

    private static Type decimal(String name, Repetition rep, int precision, int scale) {
        LogicalTypeAnnotation logical = LogicalTypeAnnotation.decimalType(scale, precision);
        if (precision <= 9) {
            return Types.primitive(PrimitiveTypeName.INT32, rep).as(logical).named(name);
        }
        if (precision <= 18) {
            return Types.primitive(PrimitiveTypeName.INT64, rep).as(logical).named(name);
        }
        return Types.primitive(PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY, rep)
                .length(decimalBytes(precision))
                .as(logical)
                .named(name);
    }

    /** The fewest bytes whose two's complement holds every unscaled value of the precision. */
    public static int decimalBytes(int precision) {
        int bytes = 1;
        while (Math.pow(2, 8 * bytes - 1) < Math.pow(10, precision)) {
            bytes++;
        }
        return bytes;
    }
}
