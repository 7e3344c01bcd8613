package dev.pontoon.s3dest.event;

import com.fasterxml.jackson.databind.JsonNode;

/** Reading the fields of an event's JSON: required and optional values, and how a wrong one is described. */
public final class JsonFields {
    private JsonFields() {}

    static JsonNode required(JsonNode parent, String name) {
        JsonNode node = parent.get(name);
        if (node == null || node.isNull()) {
            throw new InvalidEventException(name + ": is required");
        }
        return node;
    }

    static void requireObject(String field, JsonNode node) {
        if (node == null || !node.isObject()) {
            throw new InvalidEventException(field + ": must be a JSON object, got " + describe(node));
        }
    }

    /** A string field; null when absent, JSON null or blank. */
    static String optionalText(JsonNode parent, String parentField, String name) {
        JsonNode node = parent.get(name);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            // Never echo the value: this may be a secret field.
            throw new InvalidEventException(parentField + "." + name + ": must be a string, got " + kind(node));
        }
        String text = node.textValue();
        return text.isBlank() ? null : text;
    }

    /** A string or integer field at the top level (batch ids are often numbers). */
    static String optionalScalar(JsonNode parent, String name) {
        JsonNode node = parent.get(name);
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isTextual() || node.isIntegralNumber()) {
            String text = node.asText();
            return text.isBlank() ? null : text;
        }
        throw new InvalidEventException(name + ": must be a string, got " + describe(node));
    }

    static String describe(JsonNode node) {
        if (node == null || node.isMissingNode()) {
            return "nothing";
        }
        if (node.isContainerNode()) {
            return kind(node);
        }
        String text = node.toString();
        return kind(node) + " " + (text.length() > 40 ? text.substring(0, 40) + "…" : text);
    }

    /** "a string", "an object", …: the JSON kind of a value, for messages that must not echo it. */
    public static String kind(JsonNode node) {
        return switch (node.getNodeType()) {
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            default -> node.getNodeType().name().toLowerCase();
        };
    }
}
