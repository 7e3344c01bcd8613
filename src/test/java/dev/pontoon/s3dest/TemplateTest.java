package dev.pontoon.s3dest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.AbstractConstruct;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/** template.yaml parses (CloudFormation tags included) and wires both functions, the queue and the state machine. */
class TemplateTest {
    private static Map<String, Object> template;
    private static Map<String, Object> resources;
    private static Map<String, Object> globals;

    /** Reads {@code !Ref x} as {@code {Ref: x}}, {@code !GetAtt a.b} as {@code {Fn::GetAtt: [a, b]}}, and so on. */
    static final class CloudFormationConstructor extends SafeConstructor {
        CloudFormationConstructor() {
            super(new LoaderOptions());
            for (String fn : List.of(
                    "Ref",
                    "GetAtt",
                    "Sub",
                    "Join",
                    "If",
                    "Equals",
                    "Select",
                    "Split",
                    "FindInMap",
                    "ImportValue",
                    "Not",
                    "And",
                    "Or",
                    "Base64",
                    "Cidr",
                    "GetAZs")) {
                String key = fn.equals("Ref") ? "Ref" : "Fn::" + fn;
                yamlConstructors.put(new Tag("!" + fn), new AbstractConstruct() {
                    @Override
                    public Object construct(Node node) {
                        Object value;
                        if (node instanceof ScalarNode scalar) {
                            value = fn.equals("GetAtt")
                                    ? List.of(scalar.getValue().split("\\.", 2))
                                    : scalar.getValue();
                        } else if (node instanceof SequenceNode seq) {
                            value = constructSequence(seq);
                        } else {
                            value = constructMapping((org.yaml.snakeyaml.nodes.MappingNode) node);
                        }
                        Map<String, Object> m = new LinkedHashMap<>();
                        m.put(key, value);
                        return m;
                    }
                });
            }
        }
    }

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void load() throws Exception {
        try (Reader in = Files.newBufferedReader(Path.of("template.yaml"))) {
            Map<String, Object> template = new Yaml(new CloudFormationConstructor()).load(in);
            assertThat(template.get("Transform")).isEqualTo("AWS::Serverless-2016-10-31");
            TemplateTest.template = template;
            resources = (Map<String, Object>) template.get("Resources");
            globals = (Map<String, Object>) ((Map<String, Object>) template.get("Globals")).get("Function");
        }
    }

    @Test
    void bothFunctionsRunTheOneArtifactOnTheManagedJavaRuntimeWithSnapStart() {
        assertThat(globals)
                .containsEntry("Runtime", "java25")
                .containsEntry("Handler", "io.quarkus.amazon.lambda.runtime.QuarkusStreamHandler::handleRequest")
                .containsEntry("CodeUri", "target/function.zip")
                .containsEntry("SnapStart", Map.of("ApplyOn", "PublishedVersions"));
        assertThat(env("TransferFunction")).containsEntry("QUARKUS_LAMBDA_HANDLER", "transfer");
        assertThat(env("ConnectionTestFunction")).containsEntry("QUARKUS_LAMBDA_HANDLER", "connection-test");
        // The names the template selects are the handlers that exist.
        assertThat(dev.pontoon.s3dest.handler.TransferHandler.class
                        .getAnnotation(jakarta.inject.Named.class)
                        .value())
                .isEqualTo("transfer");
        assertThat(dev.pontoon.s3dest.handler.ConnectionTestHandler.class
                        .getAnnotation(jakarta.inject.Named.class)
                        .value())
                .isEqualTo("connection-test");
    }

    @Test
    void iamIsScopedToTheBucketAndPrefix() {
        List<Map<String, Object>> statements = statements("TransferFunction");
        assertThat(statements.get(0).get("Action"))
                .isEqualTo(List.of("s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"));
        Object underPrefix = Map.of(
                "Fn::If",
                List.of(
                        "HasPrefix",
                        Map.of("Fn::Sub", "arn:aws:s3:::${BucketName}/${Prefix}/*"),
                        Map.of("Fn::Sub", "arn:aws:s3:::${BucketName}/*")));
        assertThat(statements.get(0).get("Resource")).isEqualTo(underPrefix);
        // Listing the exports is only of multipart uploads, only under the prefix: to sweep what a lost answer left.
        assertThat(statements.get(1).get("Action")).isEqualTo(List.of("s3:ListBucketMultipartUploads"));
        assertThat(statements.get(1).get("Condition").toString()).contains("s3:prefix", "${Prefix}/*");
        assertThat(statements.get(2).get("Action")).isEqualTo(List.of("s3:GetObject"));
        assertThat(statements.get(2).get("Resource"))
                .isEqualTo(Map.of("Fn::Sub", "arn:aws:s3:::${StagingBucketName}/${StagingPrefix}/*"));
        // Listing staging, under its prefix only, so that a missing staged object is NoSuchKey, not a 403.
        assertThat(statements.get(3).get("Action")).isEqualTo(List.of("s3:ListBucket"));
        assertThat(statements.get(3).get("Resource")).isEqualTo(Map.of("Fn::Sub", "arn:aws:s3:::${StagingBucketName}"));
        assertThat(statements.get(3).get("Condition").toString()).contains("s3:prefix", "${StagingPrefix}/*");
        assertThat(statements("ConnectionTestFunction").get(0).get("Resource")).isEqualTo(underPrefix);
        assertThat(statements.toString()).doesNotContain("s3:*");
    }

    @Test
    @SuppressWarnings("unchecked")
    void prefixesAreChecked() {
        Map<String, Object> parameters = (Map<String, Object>) template.get("Parameters");
        java.util.regex.Pattern staging = java.util.regex.Pattern.compile(
                (String) ((Map<String, Object>) parameters.get("StagingPrefix")).get("AllowedPattern"));
        assertThat(List.of("staging", "a/b", "s"))
                .allMatch(p -> staging.matcher(p).matches());
        assertThat(List.of("staging/", "/staging", ""))
                .noneMatch(p -> staging.matcher(p).matches());
        java.util.regex.Pattern prefix = java.util.regex.Pattern.compile(
                (String) ((Map<String, Object>) parameters.get("Prefix")).get("AllowedPattern"));
        assertThat(List.of("", "exports", "a/b"))
                .allMatch(p -> prefix.matcher(p).matches());
        assertThat(List.of("exports/", "/exports"))
                .noneMatch(p -> prefix.matcher(p).matches());
        // An empty Prefix must not become "bucket//*": every use of it is behind HasPrefix.
        assertThat(templateText().lines().filter(l -> l.contains("${Prefix}")))
                .isNotEmpty()
                .allMatch(l -> l.contains("HasPrefix"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void theReadmesDeployCommandNamesEveryParameter() throws Exception {
        String readme = java.nio.file.Files.readString(java.nio.file.Path.of("README.md"));
        int at = readme.indexOf("sam deploy --guided");
        String guided = readme.substring(at, readme.indexOf("```", at));
        assertThat(((Map<String, Object>) template.get("Parameters")).keySet()).allMatch(guided::contains);
    }

    private static String templateText() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("template.yaml"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void kmsAndAssumeRoleAreGrantedOnlyOnTheKeyAndRoleTheParametersName() {
        for (String function : List.of("TransferFunction", "ConnectionTestFunction")) {
            Map<String, Map<String, Object>> conditional = new LinkedHashMap<>();
            for (Map<String, Object> statement : statements(function)) {
                if (statement.containsKey("Fn::If")) {
                    List<Object> branches = (List<Object>) statement.get("Fn::If");
                    conditional.put((String) branches.get(0), (Map<String, Object>) branches.get(1));
                    assertThat(branches.get(2)).isEqualTo(Map.of("Ref", "AWS::NoValue"));
                }
            }
            assertThat(conditional.get("HasKmsKey"))
                    .containsEntry("Action", List.of("kms:GenerateDataKey", "kms:Decrypt"))
                    .containsEntry("Resource", Map.of("Ref", "KmsKeyArn"));
            assertThat(conditional.get("HasAssumableRole"))
                    .containsEntry("Action", List.of("sts:AssumeRole"))
                    .containsEntry("Resource", Map.of("Ref", "AssumableRoleArn"));
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void theQueueReportsPartialFailuresAndHasADeadLetterQueue() {
        Map<String, Object> events =
                (Map<String, Object>) props("TransferFunction").get("Events");
        Map<String, Object> sqs = (Map<String, Object>) events.get("TransferQueue");
        assertThat(sqs.get("Type")).isEqualTo("SQS");
        Map<String, Object> p = (Map<String, Object>) sqs.get("Properties");
        assertThat(p.get("Queue")).isEqualTo(Map.of("Fn::GetAtt", List.of("TransferQueue", "Arn")));
        assertThat(p.get("FunctionResponseTypes")).isEqualTo(List.of("ReportBatchItemFailures"));
        Map<String, Object> queue = props("TransferQueue");
        Map<String, Object> redrive = (Map<String, Object>) queue.get("RedrivePolicy");
        assertThat(redrive.get("deadLetterTargetArn"))
                .isEqualTo(Map.of("Fn::GetAtt", List.of("TransferDeadLetterQueue", "Arn")));
        int timeout = (Integer) props("TransferFunction").get("Timeout");
        assertThat((Integer) queue.get("VisibilityTimeout")).isGreaterThanOrEqualTo(6 * timeout);
    }

    @Test
    @SuppressWarnings("unchecked")
    void theStateMachineRunsADistributedMapOverTheStagingPrefixThenTheCommit() {
        Map<String, Object> definition =
                (Map<String, Object>) props("TransferStateMachine").get("Definition");
        Map<String, Object> map =
                (Map<String, Object>) ((Map<String, Object>) definition.get("States")).get(definition.get("StartAt"));
        assertThat(map.get("Type")).isEqualTo("Map");
        Map<String, Object> reader = (Map<String, Object>) map.get("ItemReader");
        assertThat(reader.get("Resource")).isEqualTo("arn:aws:states:::s3:listObjectsV2");
        assertThat((Map<String, Object>) reader.get("Parameters"))
                .containsEntry("Bucket.$", "$.source.bucket")
                .containsEntry("Prefix.$", "$.source.prefix");
        Map<String, Object> selector = (Map<String, Object>) map.get("ItemSelector");
        assertThat(selector)
                .containsEntry("key.$", "$$.Map.Item.Value.Key")
                .containsEntry("index.$", "$$.Map.Item.Index");
        Map<String, Object> batcher = (Map<String, Object>) map.get("ItemBatcher");
        assertThat(batcher.get("MaxItemsPerBatch")).isEqualTo(Map.of("Ref", "FilesPerChunk"));
        assertThat(map.get("MaxConcurrency")).isEqualTo(Map.of("Ref", "ChunkConcurrency"));
        assertThat(map.get("ToleratedFailurePercentage")).isEqualTo(0);
        assertThat((Map<String, Object>) ((Map<String, Object>) map.get("ItemProcessor")).get("ProcessorConfig"))
                .containsEntry("Mode", "DISTRIBUTED")
                .containsEntry("ExecutionType", "EXPRESS");
        assertThat(map.get("Next")).isEqualTo("Commit");
        Map<String, Object> commit =
                (Map<String, Object>) ((Map<String, Object>) definition.get("States")).get("Commit");
        assertThat(((Map<String, Object>) commit.get("Parameters")).get("FunctionName"))
                .isEqualTo(Map.of("Ref", "CommitFunction.Alias"));
        assertThat((List<String>)
                        ((List<Map<String, Object>>) commit.get("Retry")).get(0).get("ErrorEquals"))
                .contains(
                        dev.pontoon.s3dest.s3.S3TransientException.class.getName(),
                        dev.pontoon.s3dest.catalog.CatalogTransientException.class.getName());
        assertThat(env("CommitFunction")).containsEntry("QUARKUS_LAMBDA_HANDLER", "commit");
        assertThat(dev.pontoon.s3dest.handler.CommitHandler.class
                        .getAnnotation(jakarta.inject.Named.class)
                        .value())
                .isEqualTo("commit");
        // The default concurrency is well above the inline map's old 10.
        Map<String, Object> parameters = (Map<String, Object>) template.get("Parameters");
        assertThat((Integer) ((Map<String, Object>) parameters.get("ChunkConcurrency")).get("Default"))
                .isGreaterThanOrEqualTo(100);
        Map<String, Object> inner =
                (Map<String, Object>) ((Map<String, Object>) map.get("ItemProcessor")).get("States");
        Map<String, Object> task = (Map<String, Object>) inner.get("Transfer");
        assertThat(task.get("Resource")).isEqualTo("arn:aws:states:::lambda:invoke");
        Map<String, Object> params = (Map<String, Object>) task.get("Parameters");
        assertThat(params.get("FunctionName")).isEqualTo(Map.of("Ref", "TransferFunction.Alias"));
        assertThat(resources).containsKey("TransferFunction");
        List<Map<String, Object>> retry = (List<Map<String, Object>>) task.get("Retry");
        assertThat((List<String>) retry.get(0).get("ErrorEquals"))
                .contains(dev.pontoon.s3dest.s3.S3TransientException.class.getName())
                .doesNotContain(dev.pontoon.s3dest.s3.S3PermanentException.class.getName());
        List<Map<String, Object>> catches = (List<Map<String, Object>>) task.get("Catch");
        assertThat((List<String>) catches.get(0).get("ErrorEquals"))
                .containsExactly(
                        dev.pontoon.s3dest.event.InvalidEventException.class.getName(),
                        dev.pontoon.s3dest.s3.S3PermanentException.class.getName());
        // States.ALL may only stand alone.
        assertThat((List<String>) catches.get(1).get("ErrorEquals")).containsExactly("States.ALL");
        assertThat(inner.get((String) catches.get(0).get("Next"))).isNotNull();
        assertThat(props("TransferStateMachine").get("Policies").toString())
                .contains("LambdaInvokePolicy", "TransferFunction");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> props(String resource) {
        return (Map<String, Object>) ((Map<String, Object>) resources.get(resource)).get("Properties");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> env(String function) {
        return (Map<String, Object>) ((Map<String, Object>) props(function).get("Environment")).get("Variables");
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> statements(String function) {
        List<Map<String, Object>> policies =
                (List<Map<String, Object>>) props(function).get("Policies");
        return (List<Map<String, Object>>) policies.get(0).get("Statement");
    }
}
