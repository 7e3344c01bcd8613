package dev.pontoon.s3dest;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pontoon.s3dest.connection.ConnectionTester;
import dev.pontoon.s3dest.event.Json;
import dev.pontoon.s3dest.handler.CommitHandler;
import dev.pontoon.s3dest.handler.ConnectionTestHandler;
import dev.pontoon.s3dest.handler.TransferHandler;
import dev.pontoon.s3dest.s3.S3ClientFactory;
import dev.pontoon.s3dest.testing.Batches;
import dev.pontoon.s3dest.testing.FaultProxy;
import dev.pontoon.s3dest.testing.Loopback;
import dev.pontoon.s3dest.testing.S3TestServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Reader;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The template's S3 grants held to the code: each function's real work (a chunk, the commit, a transfer with
 * {@code "commit": true}, the connection test with a staging probe) goes through a recording proxy, every request
 * is turned into the IAM action and resource S3 authorizes it by, and that function's statements in template.yaml
 * (its conditions and substitutions evaluated for one set of parameters) must allow each one.
 */
class IamGrantsTest {
    private final S3TestServer server = S3TestServer.shared();

    /** One S3 request as IAM sees it. */
    record Request(String action, String resource, String prefix) {}

    @Test
    void everyS3RequestEachFunctionMakesIsGrantedByItsOwnStatements() throws Exception {
        checkGrants(false);
    }

    /** With Delta tables: the log's reads, writes and listings, and the connection test's probe of the prefix. */
    @Test
    void everyS3RequestOfADeltaCommitIsGrantedWithDeltaTables() throws Exception {
        checkGrants(true);
    }

    private void checkGrants(boolean delta) throws Exception {
        String id = UUID.randomUUID().toString().substring(0, 8);
        String bucket = "iam-" + id;
        String staging = "iams-" + id;
        server.createBucket(bucket);
        server.createBucket(staging);
        try (S3Client s3 = server.client()) {
            Batches.stage(s3, staging, "staging/orders/", 3, 50);
        }
        Map<String, String> parameters = Map.of(
                "BucketName", bucket, "Prefix", "exports", "StagingBucketName", staging, "StagingPrefix", "staging");
        try (FaultProxy proxy = new FaultProxy(server.endpoint())) {
            ObjectNode input = Batches.input(server, bucket, staging, "staging/orders/", "b1");
            ((ObjectNode) input.get("transfer").get("destination"))
                    .put("endpoint_url", proxy.endpoint().toString());
            if (delta) {
                ((ObjectNode) input.get("transfer").get("destination"))
                        .putObject("catalog")
                        .put("type", "delta");
            }
            ((ObjectNode) input.get("source"))
                    .put("endpoint_url", proxy.endpoint().toString());

            Map<String, List<Request>> byFunction = new java.util.LinkedHashMap<>();
            invoke(TransferHandler.standalone(Loopback.env()), Batches.chunk(input, "staging/orders/", 0, 3));
            ObjectNode whole = input.get("transfer").deepCopy();
            whole.put("batch_id", "b2").put("commit", true);
            whole.putArray("rows").addObject().put("id", 1).put("note", "x");
            invoke(TransferHandler.standalone(Loopback.env()), whole);
            byFunction.put("TransferFunction", requests(proxy));

            invoke(CommitHandler.standalone(Loopback.env()), input);
            byFunction.put("CommitFunction", requests(proxy));

            ObjectNode test = Json.MAPPER.createObjectNode();
            test.set("destination", input.get("transfer").get("destination"));
            test.putObject("source")
                    .put("bucket", staging)
                    .put("prefix", "staging/orders/")
                    .put("endpoint_url", proxy.endpoint().toString());
            JsonNode probe = Json.read(invoke(
                    ConnectionTestHandler.over(new ConnectionTester(
                            new S3ClientFactory(S3ClientFactory.Settings.defaults(), Loopback.env()))),
                    test));
            assertThat(probe.get("success").asBoolean()).as(probe.toString()).isTrue();
            byFunction.put("ConnectionTestFunction", requests(proxy));

            if (delta) {
                assertThat(byFunction.get("CommitFunction"))
                        .anyMatch(r -> r.action().equals("s3:PutObject")
                                && r.resource().contains("/_delta_log/0"));
            }
            Set<String> trueConditions = delta ? Set.of("HasPrefix", "HasDeltaTables") : Set.of("HasPrefix");
            for (var e : byFunction.entrySet()) {
                List<Map<String, Object>> statements = statements(e.getKey(), parameters, trueConditions);
                assertThat(e.getValue()).as(e.getKey() + " made requests").isNotEmpty();
                for (Request r : new LinkedHashSet<>(e.getValue())) {
                    assertThat(statements.stream().anyMatch(s -> allows(s, r)))
                            .as(e.getKey() + " is granted " + r)
                            .isTrue();
                }
            }
            // The listing grants are what the code needs and no more: a transfer lists the exports bucket only to read
            // a
            // Delta table's log (a transfer with "commit": true).
            assertThat(byFunction.get("TransferFunction"))
                    .noneMatch(r -> r.action().equals("s3:ListBucket")
                            && r.resource().endsWith(":::" + bucket)
                            && !r.prefix().contains("/_delta_log/"));
        }
    }

    private static String invoke(RequestStreamHandler handler, JsonNode event) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(event.toString().getBytes(StandardCharsets.UTF_8)), out, null);
        return out.toString(StandardCharsets.UTF_8);
    }

    /** The requests the proxy saw since the last call, as IAM actions (path-style: /bucket/key?query). */
    private static List<Request> requests(FaultProxy proxy) {
        List<Request> out = new ArrayList<>();
        for (String head : proxy.heads()) {
            String line = head.lines().skip(1).findFirst().orElseThrow();
            String[] parts = line.split(" ");
            String method = parts[0];
            String target = parts[1];
            String path = target.contains("?") ? target.substring(0, target.indexOf('?')) : target;
            String query = target.contains("?") ? target.substring(target.indexOf('?') + 1) : "";
            path = URLDecoder.decode(path, StandardCharsets.UTF_8);
            String rest = path.substring(1);
            String bucket = rest.contains("/") ? rest.substring(0, rest.indexOf('/')) : rest;
            String key = rest.contains("/") ? rest.substring(rest.indexOf('/') + 1) : "";
            String prefix = null;
            for (String q : query.split("&")) {
                if (q.startsWith("prefix=")) {
                    prefix = URLDecoder.decode(q.substring("prefix=".length()), StandardCharsets.UTF_8);
                }
            }
            String object = "arn:aws:s3:::" + bucket + "/" + key;
            String ofBucket = "arn:aws:s3:::" + bucket;
            Request r;
            if (key.isEmpty()) {
                r = query.contains("uploads")
                        ? new Request("s3:ListBucketMultipartUploads", ofBucket, prefix == null ? "" : prefix)
                        : new Request("s3:ListBucket", ofBucket, prefix == null ? "" : prefix);
            } else {
                r = switch (method) {
                    case "GET", "HEAD" -> new Request("s3:GetObject", object, null);
                    case "PUT", "POST" -> new Request("s3:PutObject", object, null);
                    case "DELETE" ->
                        query.contains("uploadId=")
                                ? new Request("s3:AbortMultipartUpload", object, null)
                                : new Request("s3:DeleteObject", object, null);
                    default -> throw new AssertionError("unexpected request " + line);
                };
            }
            out.add(r);
        }
        proxy.clear();
        return out;
    }

    @SuppressWarnings("unchecked")
    private static boolean allows(Map<String, Object> statement, Request r) {
        if (!"Allow".equals(statement.get("Effect"))) {
            return false;
        }
        List<String> actions = asList(statement.get("Action"));
        if (!actions.contains(r.action())) {
            return false;
        }
        if (asList(statement.get("Resource")).stream()
                .noneMatch(p -> glob(p).matcher(r.resource()).matches())) {
            return false;
        }
        Object condition = statement.get("Condition");
        if (condition == null) {
            return true;
        }
        Map<String, Object> like = (Map<String, Object>) ((Map<String, Object>) condition).get("StringLike");
        String prefix = like == null ? null : (String) like.get("s3:prefix");
        return prefix == null
                || (r.prefix() != null && glob(prefix).matcher(r.prefix()).matches());
    }

    @SuppressWarnings("unchecked")
    private static List<String> asList(Object value) {
        return value instanceof List<?> l ? (List<String>) l : List.of((String) value);
    }

    /** An IAM pattern: {@code *} any run of characters, {@code ?} one. */
    private static Pattern glob(String pattern) {
        StringBuilder regex = new StringBuilder();
        for (char c : pattern.toCharArray()) {
            regex.append(c == '*' ? ".*" : c == '?' ? "." : Pattern.quote(String.valueOf(c)));
        }
        return Pattern.compile(regex.toString());
    }

    /** The function's statements with Fn::If, Fn::Sub and Ref evaluated for the conditions that hold. */
    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> statements(
            String function, Map<String, String> parameters, Set<String> trueConditions) throws Exception {
        Map<String, Object> template;
        try (Reader in = Files.newBufferedReader(Path.of("template.yaml"))) {
            template = new Yaml(new TemplateTest.CloudFormationConstructor()).load(in);
        }
        Map<String, Object> resource =
                (Map<String, Object>) ((Map<String, Object>) template.get("Resources")).get(function);
        List<Object> policies = (List<Object>) ((Map<String, Object>) resource.get("Properties")).get("Policies");
        List<Map<String, Object>> out = new ArrayList<>();
        for (Object policy : policies) {
            for (Object s : (List<Object>) ((Map<String, Object>) policy).get("Statement")) {
                Object evaluated = evaluate(s, parameters, trueConditions);
                if (evaluated instanceof Map<?, ?> m) {
                    out.add((Map<String, Object>) m);
                }
            }
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Object evaluate(Object node, Map<String, String> parameters, Set<String> trueConditions) {
        if (node instanceof Map<?, ?> map) {
            if (map.containsKey("Fn::If")) {
                List<Object> branches = (List<Object>) map.get("Fn::If");
                return evaluate(
                        trueConditions.contains((String) branches.get(0)) ? branches.get(1) : branches.get(2),
                        parameters,
                        trueConditions);
            }
            if (map.containsKey("Fn::Sub")) {
                String text = (String) map.get("Fn::Sub");
                for (var p : parameters.entrySet()) {
                    text = text.replace("${" + p.getKey() + "}", p.getValue());
                }
                return text;
            }
            if (map.containsKey("Ref")) {
                Object ref = map.get("Ref");
                return "AWS::NoValue".equals(ref) ? null : parameters.getOrDefault((String) ref, "unset-" + ref);
            }
            Map<String, Object> out = new java.util.LinkedHashMap<>();
            for (var e : map.entrySet()) {
                Object v = evaluate(e.getValue(), parameters, trueConditions);
                if (v != null) {
                    out.put((String) e.getKey(), v);
                }
            }
            return out;
        }
        if (node instanceof List<?> list) {
            List<Object> out = new ArrayList<>();
            for (Object o : list) {
                Object v = evaluate(o, parameters, trueConditions);
                if (v != null) {
                    out.add(v);
                }
            }
            return out;
        }
        return node;
    }
}
