package io.connectionrelay.app;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The package floors of docs/architecture.md, "Reading the code": a package depends only on floors below it, and
 * no stage depends on another stage (what two share moves down). Read from the compiled classes,
 * so a reference in a method body counts as much as an import.
 */
class PackageDirectionTest {

    private static final String[] STAGES = {"Poll", "Normalize", "Enrich", "Route", "Csv", "Email", "Webhook",
            "DeadLetter"};

    @Test
    void packagesDependOnlyOnFloorsBelowThemAndStagesNotOnEachOther() {
        JavaClasses classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.connectionrelay");

        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("App").definedBy("io.connectionrelay", "io.connectionrelay.app..", "io.connectionrelay.demo..")
                .layer("Poll").definedBy("io.connectionrelay.poll..")
                .layer("Normalize").definedBy("io.connectionrelay.normalize..")
                .layer("Enrich").definedBy("io.connectionrelay.enrich..")
                .layer("Route").definedBy("io.connectionrelay.route..")
                .layer("Csv").definedBy("io.connectionrelay.deliver.csv..")
                .layer("Email").definedBy("io.connectionrelay.deliver.email..")
                .layer("Webhook").definedBy("io.connectionrelay.deliver.webhook..")
                .layer("DeadLetter").definedBy("io.connectionrelay.deadletter..")
                .layer("Export").definedBy("io.connectionrelay.deliver.export..")
                .layer("Observability").definedBy("io.connectionrelay.ops..", "io.connectionrelay.trace..")
                .layer("Core").definedBy("io.connectionrelay.core..", "io.connectionrelay.cluster..")
                .layer("Record").definedBy("io.connectionrelay.record..")

                .whereLayer("App").mayNotBeAccessedByAnyLayer()
                .whereLayer("Poll").mayOnlyBeAccessedByLayers("App")
                .whereLayer("Normalize").mayOnlyBeAccessedByLayers("App")
                .whereLayer("Enrich").mayOnlyBeAccessedByLayers("App")
                .whereLayer("Route").mayOnlyBeAccessedByLayers("App")
                .whereLayer("Csv").mayOnlyBeAccessedByLayers("App")
                .whereLayer("Email").mayOnlyBeAccessedByLayers("App")
                .whereLayer("Webhook").mayOnlyBeAccessedByLayers("App")
                .whereLayer("DeadLetter").mayOnlyBeAccessedByLayers("App")
                .whereLayer("Export").mayOnlyBeAccessedByLayers("App", "Csv", "Email")
                .whereLayer("Observability").mayOnlyBeAccessedByLayers(with("App"))
                .whereLayer("Core").mayOnlyBeAccessedByLayers(with("App", "Export", "Observability"))
                .whereLayer("Record").mayOnlyBeAccessedByLayers(with("App", "Export", "Observability", "Core"))
                .check(classes);
    }

    private static String[] with(String... more) {
        String[] all = new String[STAGES.length + more.length];
        System.arraycopy(STAGES, 0, all, 0, STAGES.length);
        System.arraycopy(more, 0, all, STAGES.length, more.length);
        return all;
    }
}
