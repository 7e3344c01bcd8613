package dev.pontoon.s3dest.event;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.IOException;
import java.io.InputStream;

/**
 * The JSON mapper of the function's own wire format. Numbers keep every digit: decimals must never pass through
 * {@code double} (SPEC §3), so the tree holds {@code BigDecimal}s exactly as written.
 */
public final class Json {
    /** The longest string value accepted (a "huge row" fails with a message rather than exhausting memory). */
    public static final int MAX_STRING_LENGTH = 16 * 1024 * 1024;

    public static final ObjectMapper MAPPER = JsonMapper.builder(com.fasterxml.jackson.core.JsonFactory.builder()
                    .streamReadConstraints(com.fasterxml.jackson.core.StreamReadConstraints.builder()
                            .maxStringLength(MAX_STRING_LENGTH)
                            .maxNestingDepth(200)
                            .build())
                    // {"v": "first", "v": "second"} is an error, never the last value silently (SPEC §3).
                    .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    // FastDoubleParser: the same correctly rounded values as Double.parseDouble, 1.3x the rows/s of
                    // the general path (docs/BENCHMARKS.md, "Parsers").
                    .enable(com.fasterxml.jackson.core.StreamReadFeature.USE_FAST_DOUBLE_PARSER)
                    .enable(com.fasterxml.jackson.core.StreamReadFeature.USE_FAST_BIG_NUMBER_PARSER)
                    .build())
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
            // The Lambda runtime owns the output stream; it is not ours to close.
            .disable(com.fasterxml.jackson.core.JsonGenerator.Feature.AUTO_CLOSE_TARGET)
            .build();

    private Json() {}

    /** Reads one JSON document; malformed JSON is an {@link InvalidEventException} with its line and column. */
    public static JsonNode read(InputStream in) {
        byte[] bytes;
        try {
            bytes = in.readAllBytes(); // an invocation payload: at most Lambda's 6 MB
        } catch (IOException e) {
            throw new InvalidEventException("event: could not be read: " + e.getMessage(), e);
        }
        try {
            JsonNode node;
            try (com.fasterxml.jackson.core.JsonParser p = MAPPER.getFactory().createParser(bytes)) {
                node = tree(p);
            }
            if (node == null) {
                throw new InvalidEventException("event: is empty; expected a JSON object");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw invalid(e);
        } catch (NumberFormatException e) {
            throw badNumber(bytes);
        } catch (IOException e) {
            throw new InvalidEventException("event: could not be read: " + e.getMessage(), e);
        }
    }

    public static JsonNode read(String text) {
        try (com.fasterxml.jackson.core.JsonParser p = MAPPER.getFactory().createParser(text)) {
            JsonNode node = tree(p);
            return node == null ? com.fasterxml.jackson.databind.node.MissingNode.getInstance() : node;
        } catch (NumberFormatException e) {
            throw badNumber(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw invalid(e);
        } catch (IOException e) {
            throw new InvalidEventException("event: could not be read: " + e.getMessage(), e);
        }
    }

    private static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);

    /**
     * The document the parser holds, as a tree, null when it is empty. Built here rather than by
     * {@code readTree} for one value: a negative zero written as a decimal ({@code -0.0}, {@code -0e0}) keeps its sign as a double node,
     * where an exact decimal would drop it (SPEC §3: a double keeps its sign). Every other number is the exact
     * decimal or integer Jackson reads. The parser enforces nesting depth and duplicate keys.
     */
    private static JsonNode tree(com.fasterxml.jackson.core.JsonParser p) throws IOException {
        com.fasterxml.jackson.core.JsonToken t = p.nextToken();
        return t == null ? null : value(p, t);
    }

    private static JsonNode value(com.fasterxml.jackson.core.JsonParser p, com.fasterxml.jackson.core.JsonToken t)
            throws IOException {
        switch (t) {
            case START_OBJECT -> {
                com.fasterxml.jackson.databind.node.ObjectNode object = NODES.objectNode();
                while (p.nextToken() == com.fasterxml.jackson.core.JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    object.set(name, value(p, p.nextToken()));
                }
                return object;
            }
            case START_ARRAY -> {
                com.fasterxml.jackson.databind.node.ArrayNode array = NODES.arrayNode();
                for (var e = p.nextToken(); e != com.fasterxml.jackson.core.JsonToken.END_ARRAY; e = p.nextToken()) {
                    array.add(value(p, e));
                }
                return array;
            }
            case VALUE_STRING -> {
                return NODES.textNode(p.getText());
            }
            case VALUE_NUMBER_INT -> {
                return switch (p.getNumberType()) {
                    case INT -> NODES.numberNode(p.getIntValue());
                    case LONG -> NODES.numberNode(p.getLongValue());
                    default -> NODES.numberNode(p.getBigIntegerValue());
                };
            }
            case VALUE_NUMBER_FLOAT -> {
                java.math.BigDecimal d = p.getDecimalValue();
                return d.signum() == 0 && negativeZero(p) ? NODES.numberNode(-0.0d) : NODES.numberNode(d);
            }
            case VALUE_TRUE, VALUE_FALSE -> {
                return NODES.booleanNode(t == com.fasterxml.jackson.core.JsonToken.VALUE_TRUE);
            }
            case VALUE_NULL -> {
                return NODES.nullNode();
            }
            default -> throw new InvalidEventException("event: unexpected JSON token " + t);
        }
    }

    /** Whether the number token is written with a minus sign and only zero digits. */
    private static boolean negativeZero(com.fasterxml.jackson.core.JsonParser p) throws IOException {
        char[] text = p.getTextCharacters();
        int at = p.getTextOffset();
        if (text[at] != '-') {
            return false;
        }
        int end = at + p.getTextLength();
        for (int i = at + 1; i < end; i++) {
            char c = text[i];
            if (c == 'e' || c == 'E') {
                break;
            }
            if (c >= '1' && c <= '9') {
                return false;
            }
        }
        return true;
    }

    /**
     * A number no exact decimal can hold (an exponent beyond ±2147483647, which BigDecimal refuses while the tree is
     * built): found again token by token, so that the error names where it is, as a row and column when it is in
     * {@code rows}.
     */
    private static InvalidEventException badNumber(byte[] bytes) {
        try (com.fasterxml.jackson.core.JsonParser p = MAPPER.getFactory().createParser(bytes)) {
            for (com.fasterxml.jackson.core.JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                if (t == com.fasterxml.jackson.core.JsonToken.VALUE_NUMBER_FLOAT
                        || t == com.fasterxml.jackson.core.JsonToken.VALUE_NUMBER_INT) {
                    try {
                        p.getDecimalValue();
                    } catch (NumberFormatException e) {
                        String text = p.getText();
                        return new InvalidEventException(
                                where(p.getParsingContext().pathAsPointer()) + ": "
                                        + (text.length() > 40 ? text.substring(0, 40) + "…" : text)
                                        + " is out of range for any number (its exponent is beyond ±2147483647)");
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall through to the general message
        }
        return new InvalidEventException("event: holds a number out of range for any number");
    }

    /** {@code /rows/0/amt} as {@code rows[0] (row 1), column amt}; other places as {@code destination.x}. */
    private static String where(com.fasterxml.jackson.core.JsonPointer pointer) {
        java.util.List<String> parts = new java.util.ArrayList<>();
        for (com.fasterxml.jackson.core.JsonPointer p = pointer; p != null && !p.matches(); p = p.tail()) {
            parts.add(p.getMatchingProperty());
        }
        if (parts.size() >= 2 && parts.get(0).equals("rows") && parts.get(1).matches("[0-9]+")) {
            int row = Integer.parseInt(parts.get(1));
            return "rows[" + row + "] (row " + (row + 1) + ")"
                    + (parts.size() > 2 ? ", column " + String.join(".", parts.subList(2, parts.size())) : "");
        }
        return parts.isEmpty() ? "event" : String.join(".", parts);
    }

    /** Malformed JSON with its line and column; a key given twice, with where it is. */
    private static InvalidEventException invalid(JsonProcessingException e) {
        InvalidEventException duplicate = duplicateKey(e);
        if (duplicate != null) {
            return duplicate;
        }
        var loc = e.getLocation();
        return new InvalidEventException("event: not valid JSON"
                + (loc == null ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr()) + ": "
                + e.getOriginalMessage());
    }

    /** A key given twice in one object, named with where the object is (a row and its column, or a field). */
    private static InvalidEventException duplicateKey(JsonProcessingException e) {
        if (!(e instanceof com.fasterxml.jackson.core.JsonParseException parse)
                || parse.getOriginalMessage() == null
                || !parse.getOriginalMessage().startsWith("Duplicate")
                || parse.getProcessor() == null) {
            return null;
        }
        com.fasterxml.jackson.core.JsonParser p = parse.getProcessor();
        com.fasterxml.jackson.core.JsonStreamContext context = p.getParsingContext();
        String key = context.getCurrentName();
        String in = context.getParent() == null
                ? "event"
                : where(context.getParent().pathAsPointer());
        return new InvalidEventException(
                (in.equals("event") ? "event" : in) + ": key '" + key + "' appears twice in one object");
    }
}
