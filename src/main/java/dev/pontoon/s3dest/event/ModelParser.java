package dev.pontoon.s3dest.event;

import static dev.pontoon.s3dest.event.JsonFields.describe;
import static dev.pontoon.s3dest.event.JsonFields.optionalText;
import static dev.pontoon.s3dest.event.JsonFields.requireObject;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** The {@code model} object: its name and declared columns (SPEC §3). */
final class ModelParser {
    private ModelParser() {}

    static final Set<String> MODEL_FIELDS = Set.of("name", "columns", "primary_key");
    static final Set<String> COLUMN_FIELDS = Set.of("name", "type", "nullable");

    static ModelSpec model(JsonNode node) {
        requireObject("model", node);
        KnownFields.check(node, "model", MODEL_FIELDS);
        JsonNode nameNode = node.get("name");
        if (nameNode != null && nameNode.isTextual() && nameNode.textValue().isBlank()) {
            throw new InvalidEventException("model.name: must not be empty (it is the model's folder in the key)");
        }
        String name = Names.checkModelName("model.name", optionalText(node, "model", "name"));
        List<ColumnSpec> columns = new ArrayList<>();
        JsonNode cols = node.get("columns");
        if (cols != null && !cols.isNull()) {
            if (!cols.isArray()) {
                throw new InvalidEventException("model.columns: must be an array, got " + describe(cols));
            }
            if (cols.size() > ModelSpec.MAX_COLUMNS) {
                throw new InvalidEventException("model.columns: " + cols.size() + " columns; a model may have at most "
                        + ModelSpec.MAX_COLUMNS);
            }
            // Glue, Athena and Hive compare names case-insensitively: "Status" and "status" are one column there.
            java.util.Map<String, String> seen = new java.util.HashMap<>();
            for (int i = 0; i < cols.size(); i++) {
                String field = "model.columns[" + i + "]";
                JsonNode col = cols.get(i);
                requireObject(field, col);
                KnownFields.check(col, field, COLUMN_FIELDS);
                String colName = optionalText(col, field, "name");
                if (colName == null || colName.isEmpty()) {
                    throw new InvalidEventException(field + ".name: is required");
                }
                String folded = colName.toLowerCase(java.util.Locale.ROOT);
                if (folded.equals(Names.BATCH_ID_COLUMN) || folded.equals(Names.SYNCED_AT_COLUMN)) {
                    throw new InvalidEventException(
                            field + ".name: '" + colName + "' is reserved for the column every file gets");
                }
                if (folded.equals(Names.PARTITION_COLUMN)) {
                    // Every Hive reader shows the partition key in its place, and Glue refuses the table.
                    throw new InvalidEventException(field + ".name: '" + colName + "' is reserved: it is the partition"
                            + " key of the layout (dt=yyyy-MM-dd), which readers would show instead of the column");
                }
                String earlier = seen.putIfAbsent(folded, colName);
                if (earlier != null) {
                    throw new InvalidEventException(field + ".name: duplicate column name '" + colName + "'"
                            + (earlier.equals(colName)
                                    ? ""
                                    : " (as '" + earlier + "': names are compared ignoring case)"));
                }
                for (int c = 0; c < colName.length(); c++) {
                    if (Names.isInvisible(colName.charAt(c))) {
                        throw new InvalidEventException(
                                field + ".name: contains a control or invisible format character");
                    }
                }
                String typeText = optionalText(col, field, "type");
                if (typeText == null) {
                    throw new InvalidEventException(field + ".type: is required (column '" + colName + "')");
                }
                ColumnType type;
                try {
                    type = ColumnType.parse(field + ".type", typeText);
                } catch (InvalidEventException e) {
                    throw new InvalidEventException(e.getMessage() + " (column '" + colName + "')");
                }
                JsonNode nullable = col.get("nullable");
                if (nullable != null && !nullable.isNull() && !nullable.isBoolean()) {
                    throw new InvalidEventException(
                            field + ".nullable: must be true or false, got " + describe(nullable));
                }
                columns.add(new ColumnSpec(
                        colName, type, nullable == null || nullable.isNull() || nullable.booleanValue()));
            }
        }
        String primaryKey = optionalText(node, "model", "primary_key");
        return new ModelSpec(name, columns, primaryKey);
    }
}
