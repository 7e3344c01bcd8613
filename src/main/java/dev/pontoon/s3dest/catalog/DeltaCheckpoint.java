package dev.pontoon.s3dest.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pontoon.s3dest.parquet.NestedFiles;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroup;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.apache.parquet.schema.Type;

/**
 * A Delta checkpoint as Parquet: one row per action, one nullable struct column per action kind, the columns and
 * field names of the protocol's checkpoint schema. Actions are JSON objects on both sides, as in a commit file, so
 * the log reader replays a checkpoint and a commit alike.
 */
final class DeltaCheckpoint {
    private static final String STRING_MAP = "group %s (MAP) { repeated group key_value {"
            + " required binary key (STRING); optional binary value (STRING); } }";
    private static final String STRING_LIST =
            "group %s (LIST) { repeated group list { optional binary element (STRING); } }";

    /** What this function writes: the actions a blind-append table holds. */
    static final MessageType SCHEMA = MessageTypeParser.parseMessageType("message spark_schema {"
            + " optional group txn { optional binary appId (STRING); optional int64 version;"
            + " optional int64 lastUpdated; }"
            + " optional group add { optional binary path (STRING); optional " + STRING_MAP.formatted("partitionValues")
            + " optional int64 size; optional int64 modificationTime; optional boolean dataChange;"
            + " optional binary stats (STRING); optional " + STRING_MAP.formatted("tags") + " }"
            + " optional group remove { optional binary path (STRING); optional int64 deletionTimestamp;"
            + " optional boolean dataChange; optional boolean extendedFileMetadata; optional "
            + STRING_MAP.formatted("partitionValues") + " optional int64 size; optional "
            + STRING_MAP.formatted("tags") + " }"
            + " optional group metaData { optional binary id (STRING); optional binary name (STRING);"
            + " optional binary description (STRING); optional group format { optional binary provider (STRING);"
            + " optional " + STRING_MAP.formatted("options") + " } optional binary schemaString (STRING);"
            + " optional " + STRING_LIST.formatted("partitionColumns") + " optional "
            + STRING_MAP.formatted("configuration") + " optional int64 createdTime; }"
            + " optional group protocol { optional int32 minReaderVersion; optional int32 minWriterVersion;"
            + " optional " + STRING_LIST.formatted("readerFeatures") + " optional "
            + STRING_LIST.formatted("writerFeatures") + " }"
            + " }");

    /** The columns every commit needs; files only when a checkpoint is to be written. */
    private static final Set<String> STATE = Set.of("protocol", "metaData", "txn");

    private static final Set<String> FILES = Set.of("add", "remove");

    private DeltaCheckpoint() {}

    /** The file holding {@code actions} (each {@code {"<kind>": {...}}}), in order. */
    static byte[] write(List<ObjectNode> actions) {
        List<Group> rows = new ArrayList<>(actions.size());
        for (ObjectNode action : actions) {
            Group row = new SimpleGroup(SCHEMA);
            var field = action.fields().next();
            fill(row.addGroup(field.getKey()), SCHEMA.getType(field.getKey()).asGroupType(), field.getValue());
            rows.add(row);
        }
        return NestedFiles.write(SCHEMA, rows);
    }

    /** The actions of a checkpoint (any writer's): the state's kinds, and the files' with {@code withFiles}. */
    static List<ObjectNode> read(byte[] bytes, String key, boolean withFiles) {
        try {
            MessageType file = NestedFiles.schema(bytes);
            List<Type> wanted = new ArrayList<>();
            for (Type t : file.getFields()) {
                if (STATE.contains(t.getName()) || (withFiles && FILES.contains(t.getName()))) {
                    wanted.add(t);
                }
            }
            MessageType projection = new MessageType(file.getName(), wanted);
            List<ObjectNode> actions = new ArrayList<>();
            for (Group row : NestedFiles.read(bytes, projection)) {
                for (int i = 0; i < projection.getFieldCount(); i++) {
                    if (row.getFieldRepetitionCount(i) > 0) {
                        ObjectNode action = JsonNodeFactory.instance.objectNode();
                        action.set(
                                projection.getFieldName(i),
                                toJson(row.getGroup(i, 0), projection.getType(i).asGroupType()));
                        actions.add(action);
                    }
                }
            }
            return actions;
        } catch (IOException | RuntimeException e) {
            throw new CatalogException(
                    "the Delta checkpoint " + key + " could not be read as Parquet (" + e + "); nothing was committed",
                    e);
        }
    }

    private static ObjectNode toJson(Group group, GroupType type) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        for (int i = 0; i < type.getFieldCount(); i++) {
            if (group.getFieldRepetitionCount(i) > 0) {
                o.set(type.getFieldName(i), value(group, i, 0, type.getType(i)));
            }
        }
        return o;
    }

    private static JsonNode value(Group group, int field, int index, Type type) {
        JsonNodeFactory json = JsonNodeFactory.instance;
        if (type.isPrimitive()) {
            return switch (type.asPrimitiveType().getPrimitiveTypeName()) {
                case BOOLEAN -> json.booleanNode(group.getBoolean(field, index));
                case INT32 -> json.numberNode(group.getInteger(field, index));
                case INT64 -> json.numberNode(group.getLong(field, index));
                case FLOAT -> json.numberNode(group.getFloat(field, index));
                case DOUBLE -> json.numberNode(group.getDouble(field, index));
                default -> json.textNode(group.getString(field, index));
            };
        }
        GroupType groupType = type.asGroupType();
        Group child = group.getGroup(field, index);
        LogicalTypeAnnotation annotation = groupType.getLogicalTypeAnnotation();
        if (annotation instanceof LogicalTypeAnnotation.MapLogicalTypeAnnotation) {
            ObjectNode map = json.objectNode();
            GroupType entry = groupType.getType(0).asGroupType();
            for (int j = 0; j < child.getFieldRepetitionCount(0); j++) {
                Group kv = child.getGroup(0, j);
                String k = kv.getString(0, 0);
                map.set(k, kv.getFieldRepetitionCount(1) > 0 ? value(kv, 1, 0, entry.getType(1)) : json.nullNode());
            }
            return map;
        }
        if (annotation instanceof LogicalTypeAnnotation.ListLogicalTypeAnnotation) {
            ArrayNode list = json.arrayNode();
            Type repeated = groupType.getType(0);
            for (int j = 0; j < child.getFieldRepetitionCount(0); j++) {
                if (repeated.isPrimitive() || repeated.asGroupType().getFieldCount() != 1) {
                    list.add(value(child, 0, j, repeated)); // the legacy two-level form
                } else {
                    Group element = child.getGroup(0, j);
                    list.add(
                            element.getFieldRepetitionCount(0) > 0
                                    ? value(
                                            element,
                                            0,
                                            0,
                                            repeated.asGroupType().getType(0))
                                    : json.nullNode());
                }
            }
            return list;
        }
        return toJson(child, groupType);
    }

    /** Fills a struct of {@link #SCHEMA} from its JSON form; fields the schema lacks are dropped. */
    private static void fill(Group group, GroupType type, JsonNode json) {
        for (Type field : type.getFields()) {
            JsonNode v = json.get(field.getName());
            if (v == null || v.isNull()) {
                continue;
            }
            String name = field.getName();
            if (field.isPrimitive()) {
                switch (field.asPrimitiveType().getPrimitiveTypeName()) {
                    case BOOLEAN -> group.add(name, v.asBoolean());
                    case INT32 -> group.add(name, v.asInt());
                    case INT64 -> group.add(name, v.asLong());
                    default -> group.add(name, v.isTextual() ? v.textValue() : v.toString());
                }
                continue;
            }
            GroupType groupType = field.asGroupType();
            Group child = group.addGroup(name);
            LogicalTypeAnnotation annotation = groupType.getLogicalTypeAnnotation();
            if (annotation instanceof LogicalTypeAnnotation.MapLogicalTypeAnnotation) {
                for (Map.Entry<String, JsonNode> e : (Iterable<Map.Entry<String, JsonNode>>) v::fields) {
                    Group kv = child.addGroup(0);
                    kv.add(0, e.getKey());
                    if (!e.getValue().isNull()) {
                        kv.add(1, e.getValue().asText());
                    }
                }
            } else if (annotation instanceof LogicalTypeAnnotation.ListLogicalTypeAnnotation) {
                for (JsonNode element : v) {
                    Group item = child.addGroup(0);
                    if (!element.isNull()) {
                        item.add(0, element.asText());
                    }
                }
            } else {
                fill(child, groupType, v);
            }
        }
    }
}
