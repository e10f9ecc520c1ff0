package io.connectionrelay.deliver.csv;

import io.connectionrelay.deliver.export.FileNames;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Properties;

import io.connectionrelay.core.CycleContext;
import io.connectionrelay.core.Settings;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FileNamesTest {

    @ParameterizedTest
    @ValueSource(strings = {
        "../../etc/passwd", "..", ".", "/etc/passwd", "/", "C:\\Windows\\system32", "..\\..\\boot.ini", "a/../../b",
        "~/.ssh/authorized_keys", "name\u0000.csv", "line\r\nInjected: header", "\u202Egnp.exe", "．．／．．／etc",
        "Sūn Démíng (孫德明)", "-rf", "--help", ".hidden", "    ", "", "%2e%2e%2fetc", "$(reboot)`id`;|&",
    })
    void safeNamesArePlainAndStayInTheirFolder(String hostile) {
        String name = FileNames.safe(hostile);

        assertThat(name).matches("[A-Za-z0-9_][A-Za-z0-9._-]*").doesNotContain("/", "\\");
        assertThatCode(() -> FileNames.requirePlain(name)).doesNotThrowAnyException();
        Path folder = Path.of("/srv/out");
        Path resolved = folder.resolve(name).normalize();
        assertThat(resolved.getParent()).isEqualTo(folder);
        assertThat(resolved.getFileName().toString()).isEqualTo(name);
    }

    @Test
    void examples() {
        assertThat(FileNames.safe("../../etc/passwd")).isEqualTo("_._.._etc_passwd");
        assertThat(FileNames.safe("/etc/passwd")).isEqualTo("_etc_passwd");
        assertThat(FileNames.safe("line\r\nx")).isEqualTo("line__x");
        assertThat(FileNames.safe("-rf")).isEqualTo("_rf");
        assertThat(FileNames.safe(null)).isEqualTo("unnamed");
        assertThat(FileNames.safe(" ")).isEqualTo("unnamed");
    }

    @Test
    void cleanNamesAreKeptAsTheyAre() {
        assertThat(FileNames.safe("crux-eu")).isEqualTo("crux-eu");
        assertThat(FileNames.safe("crux_a.2")).isEqualTo("crux_a.2");
        assertThat(FileNames.safe(FileNames.safe("../x"))).isEqualTo(FileNames.safe("../x"));
    }

    @Test
    void longValuesAreCutButStayDistinct() {
        String a = "s".repeat(500) + "a";
        String b = "s".repeat(500) + "b";

        assertThat(FileNames.safe(a)).hasSize(FileNames.MAX_LENGTH).isNotEqualTo(FileNames.safe(b));
        assertThat(FileNames.safe(a)).isEqualTo(FileNames.safe(a));
        assertThat(FileNames.safe(a) + "-20261123T120000000Z.csv.part").hasSizeLessThan(255);
    }

    @Test
    void generatedCsvNamesPassThePublishCheck() {
        assertThatCode(() -> FileNames.requirePlain("crux-a-20261123T120000000Z.csv")).doesNotThrowAnyException();
        assertThatCode(() -> FileNames.requirePlain(FileNames.safe("x".repeat(300)) + "-20261123T120000000Z.csv"))
                .doesNotThrowAnyException();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "../../etc/passwd", "..", ".", "/etc/passwd", "a/b.csv", "a\\b.csv", "", ".hidden.csv", "-rf.csv",
        "name\u0000.csv", "x.csv\r\nInjected: y", "Sūn.csv", "．．／x",
    })
    void thePublishCheckRefusesEveryOtherName(String hostile) {
        assertThatThrownBy(() -> FileNames.requirePlain(hostile))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Refusing file name")
                .hasMessageNotContaining("\r")
                .hasMessageNotContaining("\n")
                .hasMessageNotContaining("\u0000");
    }

    @Test
    void thePublishCheckRefusesNullAndOverlongNames() {
        assertThatThrownBy(() -> FileNames.requirePlain(null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FileNames.requirePlain("a".repeat(256))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("…");
    }

    @ParameterizedTest
    @ValueSource(strings = {"../../etc/passwd", "/etc/passwd", "a\u0000b", "a\r\nb", "Sūn/../..", "-rf"})
    void theCsvExportStagesAndNamesItsFileInsideItsFolders(String hostileSource) throws Exception {
        Path staging = Files.createTempDirectory("staging-");
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            Properties settings = new Properties();
            settings.put("relay.csv.staging-folder", staging.toString());
            context.getPropertiesComponent().setOverrideProperties(settings);
            Exchange exchange = new DefaultExchange(context);
            exchange.setProperty(CycleContext.PROPERTY, new CycleContext(hostileSource, "crux", hostileSource + "-1-x",
                    Instant.parse("2026-11-23T12:00:00Z")));

            new CsvExport(new Settings(context), true).finish(exchange);

            Path staged = exchange.getMessage().getBody(File.class).toPath();
            assertThat(staged.getParent()).isEqualTo(staging);
            String published = exchange.getMessage().getHeader(Exchange.FILE_NAME, String.class);
            assertThatCode(() -> FileNames.requirePlain(published)).doesNotThrowAnyException();
            assertThat(published).endsWith("-20261123T120000000Z.csv");
        }
    }
}
