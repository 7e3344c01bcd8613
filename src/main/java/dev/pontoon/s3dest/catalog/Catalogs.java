package dev.pontoon.s3dest.catalog;

import dev.pontoon.s3dest.event.CatalogSpec;
import dev.pontoon.s3dest.event.DestinationConfig;
import dev.pontoon.s3dest.s3.S3ClientFactory;
import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.glue.GlueClient;
import software.amazon.awssdk.services.glue.GlueClientBuilder;

/**
 * Opens the catalog a destination names, with the destination's credentials (its static keys or role, as for S3)
 * and the SDK's endpoint variables ({@code AWS_ENDPOINT_URL_GLUE}, else {@code AWS_ENDPOINT_URL}).
 */
public final class Catalogs {
    private final S3ClientFactory clients;

    public Catalogs(S3ClientFactory clients) {
        this.clients = clients;
    }

    public TableCatalog open(DestinationConfig destination) {
        CatalogSpec spec = destination.catalog();
        AwsCredentialsProvider credentials = clients.credentialsFor(destination);
        GlueClientBuilder builder = GlueClient.builder()
                .httpClientBuilder(ApacheHttpClient.builder())
                .credentialsProvider(credentials)
                .region(Region.of(spec.region() != null ? spec.region() : clients.region(destination)));
        String endpoint = clients.environment("AWS_ENDPOINT_URL_GLUE");
        if (endpoint == null) {
            endpoint = clients.environment("AWS_ENDPOINT_URL");
        }
        if (endpoint != null) {
            builder.endpointOverride(URI.create(endpoint));
        }
        AutoCloseable closeCredentials = credentials instanceof AutoCloseable c ? c : () -> {};
        return new GlueCatalog(builder.build(), closeCredentials);
    }
}
