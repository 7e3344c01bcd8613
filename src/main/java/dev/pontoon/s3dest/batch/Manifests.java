package dev.pontoon.s3dest.batch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** How manifests are serialized: pretty-printed, in insertion order, so equal content is equal bytes. */
final class Manifests {
    private Manifests() {}

    static byte[] bytes(ObjectMapper mapper, ObjectNode manifest) {
        try {
            return mapper.writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
