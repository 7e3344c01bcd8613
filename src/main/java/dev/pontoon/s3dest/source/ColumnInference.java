package dev.pontoon.s3dest.source;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pontoon.s3dest.event.ColumnSpec;
import dev.pontoon.s3dest.event.ColumnType;
import dev.pontoon.s3dest.event.ColumnType.Kind;
import dev.pontoon.s3dest.event.InvalidEventException;
import dev.pontoon.s3dest.event.JsonFields;
import dev.pontoon.s3dest.event.ModelSpec;
import dev.pontoon.s3dest.event.Names;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Columns for a model that declared none, read off its inline rows (rules documented in docs/EVENTS.md): columns in the
 * order their names are first seen, all nullable; the type holds every non-null value: booleans → boolean, integers
 * → bigint, numbers with a fraction (or a mix with integers) → double, strings → string, objects and arrays → json;
 * any other mix → json, which keeps every value as written; a column that is only ever null → string.
 */
public final class ColumnInference {
    private ColumnInference() {}

    public static List<ColumnSpec> infer(Iterable<JsonNode> rows) {
        Map<String, Kind> kinds = new LinkedHashMap<>();
        Map<String, String> spellings = new java.util.HashMap<>();
        int index = 0;
        for (JsonNode row : rows) {
            index++;
            if (!row.isObject()) {
                throw new InvalidEventException("rows[" + (index - 1) + "] (row " + index
                        + "): must be a JSON object, got " + JsonFields.kind(row));
            }
            for (var it = row.fields(); it.hasNext(); ) {
                var field = it.next();
                String name = field.getKey();
                if (name.equals(Names.BATCH_ID_COLUMN) || name.equals(Names.SYNCED_AT_COLUMN)) {
                    continue;
                }
                String folded = name.toLowerCase(java.util.Locale.ROOT);
                if (folded.equals(Names.PARTITION_COLUMN)) {
                    throw new InvalidEventException("rows[" + (index - 1) + "] (row " + index + "): key '" + name
                            + "' would be inferred as a column named like the partition key dt, which readers show"
                            + " instead; declare model.columns without it");
                }
                String spelt = spellings.putIfAbsent(folded, name);
                if (spelt != null && !spelt.equals(name)) {
                    throw new InvalidEventException("rows[" + (index - 1) + "] (row " + index + "): keys '" + spelt
                            + "' and '" + name + "' would be inferred as one column (names are compared ignoring"
                            + " case); declare model.columns");
                }
                Kind seen = kindOf(field.getValue());
                Kind before = kinds.get(name);
                if (!kinds.containsKey(name)) {
                    if (kinds.size() == ModelSpec.MAX_COLUMNS) {
                        throw new InvalidEventException("rows[" + (index - 1) + "] (row " + index + "): the rows would"
                                + " be inferred as more than " + ModelSpec.MAX_COLUMNS + " columns, the widest model"
                                + " allowed; declare model.columns");
                    }
                    kinds.put(name, seen);
                } else if (seen != null) {
                    kinds.put(name, before == null ? seen : widen(before, seen));
                }
            }
        }
        List<ColumnSpec> columns = new ArrayList<>();
        kinds.forEach((name, kind) ->
                columns.add(new ColumnSpec(name, ColumnType.of(kind == null ? Kind.STRING : kind), true)));
        return columns;
    }

    private static Kind kindOf(JsonNode v) {
        if (v.isNull()) {
            return null;
        }
        if (v.isBoolean()) {
            return Kind.BOOLEAN;
        }
        if (v.isIntegralNumber()) {
            return Kind.BIGINT;
        }
        if (v.isNumber()) {
            return Kind.DOUBLE;
        }
        if (v.isTextual()) {
            return Kind.STRING;
        }
        return Kind.JSON;
    }

    private static Kind widen(Kind a, Kind b) {
        if (a == b) {
            return a;
        }
        if ((a == Kind.BIGINT && b == Kind.DOUBLE) || (a == Kind.DOUBLE && b == Kind.BIGINT)) {
            return Kind.DOUBLE;
        }
        return Kind.JSON;
    }
}
