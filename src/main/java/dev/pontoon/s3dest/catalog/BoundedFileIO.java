package dev.pontoon.s3dest.catalog;

import dev.pontoon.s3dest.event.DestinationConfig;
import java.util.function.Supplier;
import org.apache.iceberg.aws.s3.S3FileIO;
import org.apache.iceberg.io.FileInfo;
import org.apache.iceberg.io.InputFile;
import org.apache.iceberg.io.OutputFile;
import org.apache.iceberg.util.SerializableSupplier;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The table's files, read and written only under the destination's own location, {@code s3://<bucket>/<prefix>/}:
 * the catalog is the customer's, and a table or metadata location it answers with must not lead the function's
 * credentials to another bucket or prefix (SPEC §12).
 */
final class BoundedFileIO extends S3FileIO {
    private final String root;

    BoundedFileIO(DestinationConfig destination, Supplier<S3Client> client) {
        super((SerializableSupplier<S3Client>) client::get);
        this.root = "s3://" + destination.bucket() + "/"
                + (destination.prefix().isEmpty() ? "" : destination.prefix() + "/");
    }

    private String checked(String location) {
        String normalized = location.startsWith("s3a://") || location.startsWith("s3n://")
                ? "s3://" + location.substring(6)
                : location;
        if (!normalized.startsWith(root) || normalized.contains("/../") || normalized.contains("/./")) {
            throw new CatalogException("the catalog named a file outside the destination (" + root
                    + "): the table must live under the destination's bucket and prefix; nothing was committed");
        }
        return location;
    }

    @Override
    public InputFile newInputFile(String path) {
        return super.newInputFile(checked(path));
    }

    @Override
    public InputFile newInputFile(String path, long length) {
        return super.newInputFile(checked(path), length);
    }

    @Override
    public OutputFile newOutputFile(String path) {
        return super.newOutputFile(checked(path));
    }

    @Override
    public void deleteFile(String path) {
        super.deleteFile(checked(path));
    }

    @Override
    public void deleteFiles(Iterable<String> paths) {
        for (String p : paths) {
            checked(p);
        }
        super.deleteFiles(paths);
    }

    @Override
    public Iterable<FileInfo> listPrefix(String prefix) {
        return super.listPrefix(checked(prefix));
    }

    @Override
    public void deletePrefix(String prefix) {
        super.deletePrefix(checked(prefix));
    }
}
