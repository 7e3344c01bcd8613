package dev.pontoon.s3dest.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.pontoon.s3dest.batch.BatchCommitter;
import dev.pontoon.s3dest.event.EventParser;
import dev.pontoon.s3dest.event.FunctionFailedException;
import dev.pontoon.s3dest.event.Json;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The {@code commit} function (SPEC §10): after the state machine's chunks, checks the batch is complete, updates
 * the catalog and writes the batch manifest. Its input is the execution input: {@code {"transfer", "source"}}.
 */
@Named("commit")
public class CommitHandler implements RequestStreamHandler {
    @Inject
    BatchCommitter committer;

    /** A handler outside the Quarkus container with default settings, for local runs. */
    public static CommitHandler standalone() {
        return standalone(System.getenv());
    }

    /** As {@link #standalone()}, under the environment {@code env} (a local run's allow-list). */
    public static CommitHandler standalone(java.util.Map<String, String> env) {
        return over(TransferBeans.defaultCommitter(env));
    }

    /** A handler over the given committer, outside the container. */
    public static CommitHandler over(BatchCommitter committer) {
        CommitHandler handler = new CommitHandler();
        handler.committer = committer;
        return handler;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        if (context != null && context.getAwsRequestId() != null) {
            org.jboss.logging.MDC.put("aws_request_id", context.getAwsRequestId());
        }
        Object result;
        try {
            result = committer.commit(EventParser.batch(Json.read(input)));
        } catch (Error e) {
            throw FunctionFailedException.of(e); // else the runtime's poll loop would end
        }
        Json.MAPPER.writeValue(output, result);
    }
}
