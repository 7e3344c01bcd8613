package dev.pontoon.s3dest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * What application.properties leaves out of function.zip: zstd-jni's libraries for platforms Lambda does not run
 * on. Each name must be in the jar (a version bump renames them all, and a stale list would silently keep 5 MB),
 * and the two Lambda platforms must stay.
 */
class PackagingTest {
    @Test
    void onlyTheLambdaPlatformsKeepTheirZstdLibraries() throws Exception {
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(Path.of("src/main/resources/application.properties"))) {
            properties.load(in);
        }
        String removed =
                properties.getProperty("quarkus.class-loading.removed-resources.\"com.github.luben:zstd-jni\"");
        assertThat(removed).isNotNull();
        List<String> names = Arrays.stream(removed.split(",")).map(String::trim).toList();
        ClassLoader loader = com.github.luben.zstd.Zstd.class.getClassLoader();
        assertThat(names)
                .hasSize(16)
                .allSatisfy(name -> assertThat(loader.getResource(name))
                        .as(name + " in the zstd-jni jar")
                        .isNotNull());
        String version = names.get(0).replaceAll(".*libzstd-jni-(.*)\\.so", "$1");
        for (String kept : List.of("linux/amd64", "linux/aarch64")) {
            String library = kept + "/libzstd-jni-" + version + ".so";
            assertThat(names).doesNotContain(library);
            assertThat(loader.getResource(library)).as(library).isNotNull();
        }
    }
}
