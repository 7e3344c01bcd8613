package dev.pontoon.s3dest.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pontoon.s3dest.event.EventParser;
import dev.pontoon.s3dest.testing.Events;
import dev.pontoon.s3dest.testing.Loopback;
import dev.pontoon.s3dest.testing.S3TestServer;
import dev.pontoon.s3dest.testing.StsStandIn;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

class S3ClientFactoryTest {
    @Test
    void closingAClientOverAnAssumedRoleClosesItsStsClientToo() throws Exception {
        try (StsStandIn sts = new StsStandIn(S3TestServer.ACCESS_KEY, S3TestServer.SECRET_KEY, "token")) {
            S3ClientFactory factory = new S3ClientFactory(
                    S3ClientFactory.Settings.defaults(),
                    Loopback.env("AWS_ENDPOINT_URL_STS", sts.endpoint().toString()));
            ObjectNode d = Events.destination(S3TestServer.shared(), "any-bucket", null);
            d.put("role_arn", "arn:aws:iam::123456789012:role/drop-zone");
            S3Client client = factory.create(EventParser.destination(d));
            assertThat(client).isInstanceOf(S3ClientFactory.WithRole.class);
            S3ClientFactory.AssumedRole role = ((S3ClientFactory.WithRole) client).role();
            client.close();
            // A closed SDK client refuses calls: its HTTP connection pool is gone.
            assertThatThrownBy(() -> role.sts().getCallerIdentity()).isInstanceOf(IllegalStateException.class);
        }
    }
}
