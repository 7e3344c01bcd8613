package dev.pontoon.s3dest.event;

import static dev.pontoon.s3dest.event.JsonFields.describe;
import static dev.pontoon.s3dest.event.JsonFields.optionalText;
import static dev.pontoon.s3dest.event.JsonFields.requireObject;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** The {@code source} object of a transfer (SPEC §4) and the staging prefix of a batch (SPEC §10). */
final class SourceParser {
    private SourceParser() {}

    static final Set<String> SOURCE_FIELDS =
            Set.of("uris", "format", "compression", "s3_region", "endpoint_url", "missing_columns", "unknown_fields");

    static SourceSpec source(JsonNode node) {
        requireObject("source", node);
        KnownFields.check(node, "source", SOURCE_FIELDS);
        JsonNode uris = node.get("uris");
        if (uris == null || !uris.isArray() || uris.isEmpty()) {
            throw new InvalidEventException("source.uris: must be a non-empty array of s3://bucket/key strings");
        }
        List<String> list = new ArrayList<>();
        for (int i = 0; i < uris.size(); i++) {
            JsonNode u = uris.get(i);
            String field = "source.uris[" + i + "]";
            if (!u.isTextual() || !u.textValue().startsWith("s3://")) {
                throw new InvalidEventException(field + ": must be an s3://bucket/key string, got " + describe(u));
            }
            String rest = u.textValue().substring("s3://".length());
            int slash = rest.indexOf('/');
            if (slash < 0 || slash == rest.length() - 1) {
                throw new InvalidEventException(field + ": '" + u.textValue() + "' names no object key");
            }
            Names.normalizeBucket(field, rest.substring(0, slash));
            list.add(u.textValue());
        }
        String format = optionalText(node, "source", "format");
        if (format == null) {
            throw new InvalidEventException("source.format: is required (jsonl or csv)");
        }
        String region = optionalText(node, "source", "s3_region");
        if (region != null && !DestinationParser.REGION.matcher(region).matches()) {
            throw new InvalidEventException("source.s3_region: '" + region + "' is not a region name (e.g. us-east-1)");
        }
        String endpoint = optionalText(node, "source", "endpoint_url");
        return new SourceSpec(
                list,
                SourceSpec.Format.parse("source.format", format),
                SourceSpec.SourceCompression.parse("source.compression", optionalText(node, "source", "compression")),
                region,
                endpoint == null ? null : DestinationParser.endpoint("source.endpoint_url", endpoint),
                SourceSpec.Drift.parse(
                        "source",
                        optionalText(node, "source", "missing_columns"),
                        optionalText(node, "source", "unknown_fields")));
    }

    static final Set<String> STAGING_FIELDS = Set.of(
            "bucket",
            "prefix",
            "format",
            "compression",
            "s3_region",
            "endpoint_url",
            "missing_columns",
            "unknown_fields");

    /**
     * The staged files of a batch, named by bucket and prefix (SPEC §10).
     *
     * @param formatRequired false where the files are only probed, not read
     */
    public static StagingPrefix stagingPrefix(String path, JsonNode node, boolean formatRequired) {
        requireObject(path, node);
        KnownFields.check(node, path, STAGING_FIELDS);
        String bucket = Names.normalizeBucket(path + ".bucket", optionalText(node, path, "bucket"));
        String prefix = optionalText(node, path, "prefix");
        prefix = prefix == null ? "" : prefix.replaceFirst("^/+", "");
        for (int i = 0; i < prefix.length(); i++) {
            if (Character.isISOControl(prefix.charAt(i))) {
                throw new InvalidEventException(path + ".prefix: contains a control character");
            }
        }
        String format = optionalText(node, path, "format");
        if (format == null && formatRequired) {
            throw new InvalidEventException(path + ".format: is required (jsonl or csv)");
        }
        String region = optionalText(node, path, "s3_region");
        if (region != null && !DestinationParser.REGION.matcher(region).matches()) {
            throw new InvalidEventException(
                    path + ".s3_region: '" + region + "' is not a region name (e.g. us-east-1)");
        }
        String endpoint = optionalText(node, path, "endpoint_url");
        return new StagingPrefix(
                bucket,
                prefix,
                format == null ? null : SourceSpec.Format.parse(path + ".format", format),
                SourceSpec.SourceCompression.parse(path + ".compression", optionalText(node, path, "compression")),
                region,
                endpoint == null ? null : DestinationParser.endpoint(path + ".endpoint_url", endpoint),
                SourceSpec.Drift.parse(
                        path, optionalText(node, path, "missing_columns"), optionalText(node, path, "unknown_fields")));
    }
}
