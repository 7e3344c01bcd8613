package dev.pontoon.s3dest;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The packages depend one way (docs/ARCHITECTURE.md "Packages"), read from the compiled classes: each layer uses
 * only layers below it, and no two packages import each other, however indirectly.
 */
class PackageDependenciesTest {
    private static final String ROOT = "dev.pontoon.s3dest";
    private static JavaClasses classes;

    @BeforeAll
    static void load() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages(ROOT);
    }

    @Test
    void noPackageImportsAPackageThatImportsItBack() {
        slices().matching(ROOT + ".(*)..").should().beFreeOfCycles().check(classes);
    }

    @Test
    void layersUseOnlyTheLayersBelowThem() {
        layeredArchitecture()
                .consideringOnlyDependenciesInLayers()
                .layer("priming")
                .definedBy(ROOT + ".priming..")
                .layer("handler")
                .definedBy(ROOT + ".handler..")
                .layer("transfer")
                .definedBy(ROOT + ".transfer..")
                .layer("connection")
                .definedBy(ROOT + ".connection..")
                .layer("batch")
                .definedBy(ROOT + ".batch..")
                .layer("catalog")
                .definedBy(ROOT + ".catalog..")
                .layer("source")
                .definedBy(ROOT + ".source..")
                .layer("parquet")
                .definedBy(ROOT + ".parquet..")
                .layer("s3")
                .definedBy(ROOT + ".s3..")
                .layer("trust")
                .definedBy(ROOT + ".trust..")
                .layer("event")
                .definedBy(ROOT + ".event..")
                .whereLayer("priming")
                .mayNotBeAccessedByAnyLayer()
                .whereLayer("handler")
                .mayOnlyBeAccessedByLayers("priming")
                .whereLayer("transfer")
                .mayOnlyBeAccessedByLayers("priming", "handler")
                .whereLayer("connection")
                .mayOnlyBeAccessedByLayers("priming", "handler")
                .whereLayer("batch")
                .mayOnlyBeAccessedByLayers("priming", "handler", "transfer")
                .whereLayer("catalog")
                .mayOnlyBeAccessedByLayers("priming", "handler", "transfer", "connection", "batch")
                .whereLayer("source")
                .mayOnlyBeAccessedByLayers("priming", "handler", "transfer")
                .whereLayer("parquet")
                .mayOnlyBeAccessedByLayers("priming", "handler", "transfer", "batch", "catalog", "source")
                .whereLayer("s3")
                .mayOnlyBeAccessedByLayers("priming", "handler", "transfer", "connection", "batch", "catalog", "source")
                .whereLayer("trust")
                .mayOnlyBeAccessedByLayers(
                        "priming", "handler", "transfer", "connection", "batch", "catalog", "source", "s3")
                .check(classes);
    }
}
