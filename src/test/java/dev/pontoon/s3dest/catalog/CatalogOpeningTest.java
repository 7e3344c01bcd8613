package dev.pontoon.s3dest.catalog;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pontoon.s3dest.event.EventParser;
import dev.pontoon.s3dest.s3.S3ClientFactory;
import dev.pontoon.s3dest.testing.CannedS3;
import dev.pontoon.s3dest.testing.Events;
import dev.pontoon.s3dest.testing.InternalService;
import dev.pontoon.s3dest.testing.Loopback;
import dev.pontoon.s3dest.testing.S3TestServer;
import org.junit.jupiter.api.Test;

/**
 * A REST catalog that fails while it is being opened (its config call) fails with the project's two catalog types,
 * so the state machine's Retry on CatalogTransientException fires for what a retry can fix, never with Iceberg's own
 * RESTException or ServiceFailureException (#25 item 4).
 */
class CatalogOpeningTest {
    private final Catalogs catalogs =
            new Catalogs(new S3ClientFactory(S3ClientFactory.Settings.defaults(), Loopback.env()));

    private static ObjectNode destination(String uri) {
        ObjectNode d = Events.destination(S3TestServer.shared(), "bucket", "exports");
        d.putObject("catalog").put("type", "iceberg-rest").put("uri", uri).put("namespace", "analytics");
        return d;
    }

    @Test
    void aCatalogAnswering5xxWhileOpeningIsTransient() throws Exception {
        try (InternalService failing = InternalService.reachable(InternalService.Answer.MARKER_500)) {
            assertThatThrownBy(() -> open(EventParser.destination(
                            destination(failing.endpoint().toString()))))
                    .isInstanceOf(CatalogTransientException.class)
                    .hasMessageContaining("opening the REST catalog")
                    .hasMessageNotContaining(InternalService.MARKER);
        }
    }

    @Test
    void anUnreachableCatalogIsTransient() throws Exception {
        assertThatThrownBy(() -> open(EventParser.destination(
                        destination(CannedS3.closedPort().toString()))))
                .isInstanceOf(CatalogTransientException.class);
    }

    /** Opens the destination's one catalog, as the commit does. */
    private dev.pontoon.s3dest.catalog.TableCatalog open(dev.pontoon.s3dest.event.DestinationConfig d) {
        return catalogs.open(d, d.catalogs().get(0));
    }
}
