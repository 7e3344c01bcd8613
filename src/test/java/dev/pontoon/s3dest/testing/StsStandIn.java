package dev.pontoon.s3dest.testing;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A local stand-in for STS on 127.0.0.1: answers AssumeRole with the given credentials, or with STS's AccessDenied
 * error, and records each request's form parameters.
 */
public final class StsStandIn implements AutoCloseable {
    private final HttpServer server;
    private final List<Map<String, String>> requests = Collections.synchronizedList(new ArrayList<>());
    private volatile boolean deny;

    public StsStandIn(String accessKey, String secretKey, String sessionToken) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Map<String, String> form = new LinkedHashMap<>();
            for (String pair : body.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    form.put(
                            URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
            requests.add(form);
            String xml;
            int status;
            if (deny) {
                status = 403;
                xml = "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>Sender</Type>"
                        + "<Code>AccessDenied</Code><Message>User: arn:aws:iam::111111111111:user/exporter is not authorized "
                        + "to perform: sts:AssumeRole on resource: " + form.get("RoleArn") + "</Message></Error>"
                        + "<RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId></ErrorResponse>";
            } else {
                status = 200;
                xml = "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><AssumeRoleResult>"
                        + "<AssumedRoleUser><AssumedRoleId>AROA3XFRBF535PLBIFPI4:" + form.get("RoleSessionName")
                        + "</AssumedRoleId><Arn>arn:aws:sts::123456789012:assumed-role/drop-zone/"
                        + form.get("RoleSessionName") + "</Arn></AssumedRoleUser><Credentials><AccessKeyId>" + accessKey
                        + "</AccessKeyId><SecretAccessKey>" + secretKey + "</SecretAccessKey><SessionToken>"
                        + sessionToken
                        + "</SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration></Credentials></AssumeRoleResult>"
                        + "<ResponseMetadata><RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId></ResponseMetadata>"
                        + "</AssumeRoleResponse>";
            }
            byte[] bytes = xml.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/xml");
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** From now on, answer AssumeRole with AccessDenied. */
    public void deny() {
        deny = true;
    }

    public List<Map<String, String>> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
