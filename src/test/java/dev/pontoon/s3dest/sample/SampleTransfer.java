package dev.pontoon.s3dest.sample;

/**
 * The README's first command: the sample transfer {@code events/transfer-inline.json} end to end with no AWS
 * account, through {@link LocalInvoke} (an S3-compatible server on 127.0.0.1 keeping its objects as plain files).
 *
 * <p>{@code SampleTransfer [folder=target/sample-s3] [event=events/transfer-inline.json]}
 */
public final class SampleTransfer {
    private SampleTransfer() {}

    public static void main(String[] args) {
        String folder = args.length > 0 ? args[0] : "target/sample-s3";
        String event = args.length > 1 ? args[1] : "events/transfer-inline.json";
        LocalInvoke.main(new String[] {event, "--folder", folder});
    }
}
