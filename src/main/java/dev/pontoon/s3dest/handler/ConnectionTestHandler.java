package dev.pontoon.s3dest.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import dev.pontoon.s3dest.connection.ConnectionResult;
import dev.pontoon.s3dest.connection.ConnectionResult.Check;
import dev.pontoon.s3dest.connection.ConnectionTester;
import dev.pontoon.s3dest.event.EventParser;
import dev.pontoon.s3dest.event.InvalidEventException;
import dev.pontoon.s3dest.event.Json;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;

/**
 * The {@code connection-test} function (SPEC §5): always a normal return, so the UI can show the message. An
 * invalid config is reported the same way, naming the field, and no request is sent.
 */
@Named("connection-test")
public class ConnectionTestHandler implements RequestStreamHandler {
    @Inject
    ConnectionTester tester;

    /** A handler over the given tester (a rehearsal's, a local run's), outside the container. */
    public static ConnectionTestHandler over(ConnectionTester tester) {
        ConnectionTestHandler handler = new ConnectionTestHandler();
        handler.tester = tester;
        return handler;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        ConnectionResult result;
        try {
            JsonNode event = Json.read(input);
            result = tester.test(EventParser.connectionTest(event));
        } catch (InvalidEventException e) {
            result = new ConnectionResult(
                    false,
                    "Invalid destination config: " + e.getMessage(),
                    List.of(new Check("config", false, false, e.getMessage())));
        }
        Json.MAPPER.writeValue(output, result);
    }
}
