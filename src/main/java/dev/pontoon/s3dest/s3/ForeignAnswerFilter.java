package dev.pontoon.s3dest.s3;

import dev.pontoon.s3dest.trust.ForeignAnswers;
import dev.pontoon.s3dest.trust.RefusedAddressException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * On a client whose endpoint is not AWS's (SPEC §12), reduces every failure to what may be repeated: the HTTP
 * status, a known S3 error code and a region name that looks like one, never the server's message, body or request
 * id; and a refused, filtered or unrouted connection all read the same, so that the messages do not map a network.
 */
final class ForeignAnswerFilter implements ExecutionInterceptor {
    @Override
    public Throwable modifyException(Context.FailedExecution context, ExecutionAttributes attributes) {
        return filter(context.exception());
    }

    /**
     * The same failure with only what may be repeated. The SDK requires an interceptor to return the class it was
     * given, so each is rebuilt from its own builder; the SDK's own failures (call and attempt timeouts) carry no
     * words of the server's and stay as they are.
     */
    static Throwable filter(Throwable failure) {
        if (failure instanceof S3Exception s3) {
            return sanitized(s3);
        }
        if (failure == null || failure.getClass() != SdkClientException.class) {
            return failure;
        }
        SdkClientException client = (SdkClientException) failure;
        if (S3Errors.causeOf(client, RefusedAddressException.class) != null) {
            return client; // the policy's own words, naming the host the event gave
        }
        if (S3Errors.causeOf(client, UnknownHostException.class) != null) {
            return client.toBuilder()
                    .message("the endpoint's host name could not be resolved")
                    .cause(new UnknownHostException("not resolved"))
                    .build();
        }
        if (S3Errors.causeOf(client, ConnectException.class) != null
                || S3Errors.causeOf(client, NoRouteToHostException.class) != null
                || isConnectTimeout(client)) {
            return client.toBuilder()
                    .message("no connection to the endpoint (refused, filtered or unreachable)")
                    .cause(new ConnectException("no connection"))
                    .build();
        }
        if (S3Errors.causeOf(client, SocketTimeoutException.class) != null) {
            return client.toBuilder()
                    .message("the endpoint did not answer in time")
                    .cause(new SocketTimeoutException("read timed out"))
                    .build();
        }
        if (S3Errors.causeOf(client, java.io.IOException.class) != null) {
            return client.toBuilder()
                    .message("the connection to the endpoint failed")
                    .cause(new java.io.IOException("connection failed"))
                    .build();
        }
        return client.toBuilder()
                .message("the endpoint's answer could not be used")
                .cause(null)
                .build();
    }

    private static S3Exception sanitized(S3Exception s3) {
        String code = s3.awsErrorDetails() == null
                ? null
                : ForeignAnswers.s3Code(s3.awsErrorDetails().errorCode());
        SdkHttpResponse.Builder response = SdkHttpResponse.builder().statusCode(s3.statusCode());
        if (s3.awsErrorDetails() != null && s3.awsErrorDetails().sdkHttpResponse() != null) {
            s3.awsErrorDetails()
                    .sdkHttpResponse()
                    .firstMatchingHeader("x-amz-bucket-region")
                    .map(ForeignAnswers::region)
                    .ifPresent(region -> response.putHeader("x-amz-bucket-region", region));
        }
        return (S3Exception) s3.toBuilder()
                .message("HTTP " + s3.statusCode() + (code == null ? "" : " " + code))
                .requestId(null)
                .extendedRequestId(null)
                .cause(null)
                .awsErrorDetails(AwsErrorDetails.builder()
                        .errorCode(code)
                        .serviceName("S3")
                        .sdkHttpResponse(response.build())
                        .build())
                .build();
    }

    /** The Apache client's connect timeout is an {@link InterruptedIOException} named ConnectTimeoutException. */
    private static boolean isConnectTimeout(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof InterruptedIOException
                    && c.getClass().getSimpleName().equals("ConnectTimeoutException")) {
                return true;
            }
        }
        return false;
    }
}
