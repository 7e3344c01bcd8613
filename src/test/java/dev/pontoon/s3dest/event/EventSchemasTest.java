package dev.pontoon.s3dest.event;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.pontoon.s3dest.connection.ConnectionResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The JSON Schemas published in {@code docs/schema/} (for editors and state machines) hold every event fixture and
 * what the functions return, refuse a misspelt field, and name exactly the fields {@link EventParser} knows: a field
 * added to the parser and not to the schema (or the other way) fails here.
 */
class EventSchemasTest {
    private static final Path SCHEMAS = Path.of("docs/schema");
    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);

    private static JsonSchema schema(String name) {
        return FACTORY.getSchema(
                SCHEMAS.resolve(name + ".schema.json").toAbsolutePath().toUri());
    }

    private static void valid(String schema, JsonNode document, String what) {
        Set<ValidationMessage> errors = schema(schema).validate(document);
        assertThat(errors).as(what + " against " + schema).isEmpty();
    }

    @Test
    void everyEventFixtureIsValidAgainstItsSchema() throws Exception {
        List<Path> fixtures;
        try (Stream<Path> files = Files.list(Path.of("events"))) {
            fixtures =
                    files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
        }
        assertThat(fixtures).hasSizeGreaterThanOrEqualTo(6);
        for (Path f : fixtures) {
            JsonNode event = Json.read(Files.readString(f));
            String name = f.getFileName().toString();
            if (name.startsWith("sqs-")) {
                for (JsonNode record : event.get("Records")) {
                    valid("transfer-event", Json.read(record.get("body").asText()), name + " record");
                }
            } else if (name.startsWith("state-machine-")) {
                valid("batch-input", event, name);
            } else if (name.startsWith("connection-test")) {
                valid("connection-test", event, name);
            } else {
                valid("transfer-event", event, name);
            }
        }
        valid(
                "transfer-event",
                Json.read(Files.readString(Path.of("src/test/resources/bad-input/base-event.json"))),
                "the bad-input corpus's base event");
    }

    @Test
    void whatTheFunctionsReturnIsValidAgainstTheResultSchemas() {
        TransferResult transfer = TransferResult.ok(
                "leads",
                "1758806553123",
                List.of(new FileResult("exports/leads/dt=2025-09-25/20250925132233_1758806553123_0.parquet", 3, 2212)),
                1,
                412,
                "exports/leads/_batches/20250925132233_1758806553123.json",
                Map.of("totl", 3L),
                false);
        valid("transfer-result", Json.MAPPER.valueToTree(transfer), "a transfer result");
        CommitResult commit = new CommitResult(
                "committed", "b1", 3, 2212, 1, "exports/leads/_batches/x.json", List.of("dt=2025-09-25"));
        valid("commit-result", Json.MAPPER.valueToTree(commit), "a commit result");
        ConnectionResult connection = new ConnectionResult(
                true,
                "Connected",
                List.of(
                        new ConnectionResult.Check("put", true, false, "PutObject works"),
                        new ConnectionResult.Check("abort", false, true, "AbortMultipartUpload is not granted")));
        valid("connection-result", Json.MAPPER.valueToTree(connection), "a connection result");
    }

    @Test
    void aMisspeltFieldIsRefusedByTheSchemaAsByTheFunction() throws Exception {
        ObjectNode event = (ObjectNode) Json.read(Files.readString(Path.of("events/transfer-inline.json")));
        ((ObjectNode) event.get("destination")).put("compresion", "zstd");
        assertThat(schema("transfer-event").validate(event)).isNotEmpty();
        ObjectNode column = (ObjectNode) Json.read(Files.readString(Path.of("events/transfer-inline.json")));
        ((ObjectNode) column.get("model").get("columns").get(0)).put("name", "DT");
        assertThat(schema("transfer-event").validate(column)).isNotEmpty();
    }

    @Test
    void theSchemasNameExactlyTheFieldsTheParserKnows() throws Exception {
        JsonNode transfer = Json.read(Files.readString(SCHEMAS.resolve("transfer-event.schema.json")));
        JsonNode batch = Json.read(Files.readString(SCHEMAS.resolve("batch-input.schema.json")));
        JsonNode connection = Json.read(Files.readString(SCHEMAS.resolve("connection-test.schema.json")));
        JsonNode defs = transfer.get("$defs");
        assertThat(names(transfer.get("properties"))).isEqualTo(new TreeSet<>(EventParser.EVENT_FIELDS));
        assertThat(names(defs.at("/destination/properties")))
                .isEqualTo(new TreeSet<>(DestinationParser.DESTINATION_FIELDS));
        assertThat(names(defs.at("/model/properties"))).isEqualTo(new TreeSet<>(ModelParser.MODEL_FIELDS));
        assertThat(names(defs.at("/column/properties"))).isEqualTo(new TreeSet<>(ModelParser.COLUMN_FIELDS));
        assertThat(names(defs.at("/source/properties"))).isEqualTo(new TreeSet<>(SourceParser.SOURCE_FIELDS));
        assertThat(names(defs.at("/catalog/oneOf/1/properties")))
                .isEqualTo(new TreeSet<>(DestinationParser.GLUE_FIELDS));
        assertThat(names(defs.at("/catalog/oneOf/2/properties")))
                .isEqualTo(new TreeSet<>(DestinationParser.ICEBERG_FIELDS));
        assertThat(names(defs.at("/catalog/oneOf/3/properties")))
                .isEqualTo(new TreeSet<>(DestinationParser.DELTA_FIELDS));
        assertThat(names(batch.get("properties"))).isEqualTo(new TreeSet<>(EventParser.BATCH_FIELDS));
        assertThat(names(batch.at("/properties/transfer/properties")))
                .isEqualTo(new TreeSet<>(EventParser.BATCH_TRANSFER_FIELDS));
        assertThat(names(batch.at("/$defs/staging/properties"))).isEqualTo(new TreeSet<>(SourceParser.STAGING_FIELDS));
        assertThat(names(connection.get("properties"))).isEqualTo(new TreeSet<>(EventParser.CONNECTION_TEST_FIELDS));
    }

    private static TreeSet<String> names(JsonNode properties) {
        TreeSet<String> names = new TreeSet<>();
        properties.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
