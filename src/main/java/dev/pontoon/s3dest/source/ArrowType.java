package dev.pontoon.s3dest.source;

import org.apache.arrow.flatbuf.Field;
import org.apache.arrow.flatbuf.Type;

/**
 * An Arrow field's type, reduced to what reading its buffers needs, with how many field nodes and buffers it (and
 * its children) take in a record batch, so that the columns after a skipped one are found.
 *
 * @param typeType the {@link Type} union tag
 * @param dictionaryId the dictionary's id for a dictionary-encoded field, else -1
 */
record ArrowType(
        String name,
        byte typeType,
        int bitWidth,
        boolean signed,
        int precision,
        int scale,
        short unit,
        String timezone,
        int byteWidth,
        long dictionaryId,
        int indexBitWidth,
        boolean indexSigned,
        boolean nested,
        int nodes,
        int buffers,
        int views,
        java.util.List<ArrowType> children,
        int listSize) {

    static ArrowType of(Field field) {
        byte t = field.typeType();
        int bitWidth = 0;
        boolean signed = true;
        int precision = 0;
        int scale = 0;
        short unit = 0;
        String timezone = null;
        int byteWidth = 0;
        switch (t) {
            case Type.Int -> {
                var i = (org.apache.arrow.flatbuf.Int) field.type(new org.apache.arrow.flatbuf.Int());
                bitWidth = i.bitWidth();
                signed = i.isSigned();
            }
            case Type.FloatingPoint ->
                precision = ((org.apache.arrow.flatbuf.FloatingPoint)
                                field.type(new org.apache.arrow.flatbuf.FloatingPoint()))
                        .precision();
            case Type.Decimal -> {
                var d = (org.apache.arrow.flatbuf.Decimal) field.type(new org.apache.arrow.flatbuf.Decimal());
                precision = d.precision();
                scale = d.scale();
                bitWidth = d.bitWidth();
            }
            case Type.Date ->
                unit = ((org.apache.arrow.flatbuf.Date) field.type(new org.apache.arrow.flatbuf.Date())).unit();
            case Type.Time -> {
                var time = (org.apache.arrow.flatbuf.Time) field.type(new org.apache.arrow.flatbuf.Time());
                unit = time.unit();
                bitWidth = time.bitWidth();
            }
            case Type.Timestamp -> {
                var ts = (org.apache.arrow.flatbuf.Timestamp) field.type(new org.apache.arrow.flatbuf.Timestamp());
                unit = ts.unit();
                timezone = ts.timezone() == null || ts.timezone().isEmpty() ? null : ts.timezone();
            }
            case Type.FixedSizeBinary ->
                byteWidth = ((org.apache.arrow.flatbuf.FixedSizeBinary)
                                field.type(new org.apache.arrow.flatbuf.FixedSizeBinary()))
                        .byteWidth();
            default -> {}
        }
        long dictionaryId = -1;
        int indexBitWidth = 0;
        boolean indexSigned = true;
        if (field.dictionary() != null) {
            dictionaryId = field.dictionary().id();
            var index = field.dictionary().indexType();
            indexBitWidth = index == null ? 32 : index.bitWidth();
            indexSigned = index == null || index.isSigned();
        }
        int nodes = 1;
        int buffers = dictionaryId >= 0 ? 2 : ownBuffers(t);
        if (t == Type.Union) {
            var union = (org.apache.arrow.flatbuf.Union) field.type(new org.apache.arrow.flatbuf.Union());
            buffers = union.mode() == org.apache.arrow.flatbuf.UnionMode.Sparse ? 1 : 2;
        }
        int views = t == Type.Utf8View || t == Type.BinaryView ? 1 : 0;
        int listSize = t == Type.FixedSizeList
                ? ((org.apache.arrow.flatbuf.FixedSizeList) field.type(new org.apache.arrow.flatbuf.FixedSizeList()))
                        .listSize()
                : 0;
        java.util.List<ArrowType> children = new java.util.ArrayList<>();
        for (int c = 0; c < field.childrenLength(); c++) {
            ArrowType child = of(field.children(c));
            children.add(child);
            nodes += child.nodes;
            buffers += child.buffers;
            views += child.views;
        }
        boolean nested = field.childrenLength() > 0 || t == Type.Union || t == Type.RunEndEncoded;
        return new ArrowType(
                field.name(),
                t,
                bitWidth,
                signed,
                precision,
                scale,
                unit,
                timezone,
                byteWidth,
                dictionaryId,
                indexBitWidth,
                indexSigned,
                nested,
                nodes,
                buffers,
                views,
                java.util.List.copyOf(children),
                listSize);
    }

    /** The type of a dictionary's values: this field's type, not dictionary-encoded. */
    ArrowType dictionaryValues() {
        return new ArrowType(
                name,
                typeType,
                bitWidth,
                signed,
                precision,
                scale,
                unit,
                timezone,
                byteWidth,
                -1,
                0,
                true,
                nested,
                nodes,
                ownBuffers(typeType),
                views,
                children,
                listSize);
    }

    /** Buffers of one node of this type in an IPC record batch (the columnar format's layouts). */
    private static int ownBuffers(byte t) {
        return switch (t) {
            case Type.Null, Type.RunEndEncoded -> 0;
            case Type.Struct_, Type.FixedSizeList -> 1;
            case Type.Binary, Type.Utf8, Type.LargeBinary, Type.LargeUtf8, Type.ListView, Type.LargeListView -> 3;
            case Type.Union -> 2; // dense: type ids and offsets (a sparse union is refused before its buffers count)
            default -> 2; // validity and values; lists: validity and offsets; views: validity and views
        };
    }

    /** Whether this nested type can be written as JSON (lists, structs and maps of types that can). */
    boolean jsonable() {
        return switch (typeType) {
            case Type.List, Type.LargeList, Type.FixedSizeList, Type.Struct_, Type.Map ->
                children.stream().allMatch(c -> c.nested() ? c.jsonable() : ArrowVector.natural(c) != null);
            default -> false;
        };
    }

    /** How the type is named in errors. */
    String describe() {
        String base = Type.name(typeType).toLowerCase(java.util.Locale.ROOT);
        String detail = switch (typeType) {
            case Type.Int -> (signed ? "int" : "uint") + bitWidth;
            case Type.Decimal -> "decimal" + bitWidth + "(" + precision + "," + scale + ")";
            case Type.Timestamp ->
                "timestamp[" + org.apache.arrow.flatbuf.TimeUnit.name(unit).toLowerCase(java.util.Locale.ROOT)
                        + (timezone == null ? "" : ", " + timezone) + "]";
            default -> base;
        };
        return dictionaryId >= 0 ? "dictionary<" + detail + ">" : detail;
    }

    @Override
    public String toString() {
        return describe();
    }
}
