package dev.pontoon.s3dest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * Two test runs on one machine (two clones, parallel CI jobs) must not collide on a port: Quarkus's mock Lambda
 * event server binds 8081 unless told otherwise, and with 8081 taken every {@code @QuarkusTest} fails with
 * BindException (checked by hand: a listener on 8081, then TransferHandlerTest, before and after the setting).
 * Every server the tests start themselves binds port 0.
 */
class TestPortsTest {
    @Test
    void theMockEventServerTakesAnyFreePortInTests() throws Exception {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(Path.of("src/main/resources/application.properties"))) {
            p.load(r);
        }
        assertThat(p.getProperty("%test.quarkus.lambda.mock-event-server.test-port"))
                .isEqualTo("0");
        assertThat(p.getProperty("%test.quarkus.http.test-port", "0")).isEqualTo("0");
    }
}
