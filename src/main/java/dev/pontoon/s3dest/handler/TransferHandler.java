package dev.pontoon.s3dest.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import dev.pontoon.s3dest.event.EventParser;
import dev.pontoon.s3dest.event.FunctionFailedException;
import dev.pontoon.s3dest.event.Json;
import dev.pontoon.s3dest.transfer.Deadline;
import dev.pontoon.s3dest.transfer.TransferConfig;
import dev.pontoon.s3dest.transfer.TransferService;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The {@code transfer} function: decodes the event (SPEC §4) — or an SQS batch of them (§6), or one chunk of a
 * batch as the state machine's Distributed Map hands it to a child (§10) — runs the transfer and writes the result.
 * A stream handler, so the event is read with the project's own exact-number JSON mapper.
 */
@Named("transfer")
public class TransferHandler implements RequestStreamHandler {
    @Inject
    TransferService transfers;

    @Inject
    TransferConfig config;

    /** A handler outside the Quarkus container with default settings, for the sample and for embedding. */
    public static TransferHandler standalone() {
        return standalone(System.getenv());
    }

    /** As {@link #standalone()}, under the environment {@code env} (a local run's allow-list). */
    public static TransferHandler standalone(java.util.Map<String, String> env) {
        TransferHandler handler = new TransferHandler();
        handler.transfers = TransferBeans.defaultService(env);
        return handler;
    }

    /** A handler over the given service (a rehearsal's, a test's), outside the container. */
    public static TransferHandler over(TransferService service) {
        TransferHandler handler = new TransferHandler();
        handler.transfers = service;
        return handler;
    }

    private java.time.Duration deadlineMargin() {
        return config != null ? config.deadlineMargin() : TransferBeans.DEFAULT_DEADLINE_MARGIN;
    }

    /** A child execution's input: {@code {"Items": [...], "BatchInput": {...}}} from the map's ItemBatcher. */
    static boolean isChunk(JsonNode event) {
        return event.isObject() && event.has("Items") && event.has("BatchInput");
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        if (context != null && context.getAwsRequestId() != null) {
            org.jboss.logging.MDC.put("aws_request_id", context.getAwsRequestId());
        }
        JsonNode event = Json.read(input);
        Deadline deadline = context == null
                ? Deadline.NONE
                : Deadline.fromRemaining(context.getRemainingTimeInMillis(), deadlineMargin());
        Object result;
        try {
            if (SqsBatch.isSqsEvent(event)) {
                result = SqsBatch.process(event, body -> transfers.transfer(EventParser.transferEvent(body), deadline));
            } else if (isChunk(event)) {
                result = transfers.transfer(EventParser.chunk(event), deadline);
            } else {
                result = transfers.transfer(EventParser.transferEvent(event), deadline);
            }
        } catch (Error e) {
            throw FunctionFailedException.of(e); // an Error would end the runtime's poll loop: the call would hang
        }
        Json.MAPPER.writeValue(output, result);
    }
}
