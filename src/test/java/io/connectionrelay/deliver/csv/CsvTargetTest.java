package io.connectionrelay.deliver.csv;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.connectionrelay.core.Settings;
import io.connectionrelay.core.SettingsSchema;
import io.connectionrelay.support.Fixtures;
import io.connectionrelay.support.RelayTestSupport;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Choosing and checking the CSV target; the folder target's done file and name check. */
class CsvTargetTest {

    @RegisterExtension
    static WireMockExtension crux = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    @Nested
    class SettingsChecks {

        static final Map<String, String> SFTP = Map.of(
                "relay.csv.target", "sftp",
                "relay.csv.sftp.host", "sftp.example.com",
                "relay.csv.sftp.username", "relay",
                "relay.csv.sftp.password", "secret-pw");

        @Test
        void anUnknownTargetIsRefused() {
            assertThat(problems(Map.of("relay.csv.target", "ftp")))
                    .contains("relay.csv.target (environment variable RELAY_CSV_TARGET) is 'ftp' but must be one of folder, sftp");
        }

        @Test
        void sftpNeedsAKnownHostsFileUnlessTrustIsTurnedOff() {
            assertThat(problems(SFTP))
                    .contains("Missing setting relay.csv.sftp.known-hosts-file (environment variable RELAY_CSV_SFTP_KNOWN_HOSTS_FILE)")
                    .contains("relay.csv.sftp.trust-any-host=true");
            assertThat(problems(with(SFTP, "relay.csv.sftp.trust-any-host", "true"))).isEmpty();
        }

        @Test
        void aKnownHostsFileThatCannotBeReadIsRefused() {
            Map<String, String> settings = with(SFTP, "relay.csv.sftp.known-hosts-file", "/nonexistent/known_hosts");
            assertThat(problems(settings))
                    .contains("relay.csv.sftp.known-hosts-file (environment variable RELAY_CSV_SFTP_KNOWN_HOSTS_FILE) is '/nonexistent/known_hosts' but must be a readable file");
        }

        @Test
        void sftpNeedsAPasswordOrAKey() throws Exception {
            Path knownHosts = Files.createTempFile("known_hosts", "");
            Map<String, String> settings = with(SFTP, "relay.csv.sftp.known-hosts-file", knownHosts.toString());
            settings.remove("relay.csv.sftp.password");
            assertThat(problems(settings))
                    .contains("Missing setting relay.csv.sftp.password (environment variable RELAY_CSV_SFTP_PASSWORD)")
                    .contains("relay.csv.sftp.private-key-file (environment variable RELAY_CSV_SFTP_PRIVATE_KEY_FILE)");
        }

        @Test
        void sftpNeedsAHostAndAUserBothNamedAtOnce() {
            Map<String, String> settings = with(SFTP, "relay.csv.sftp.trust-any-host", "true");
            settings.remove("relay.csv.sftp.host");
            settings.remove("relay.csv.sftp.username");
            assertThat(problems(settings))
                    .contains("relay.csv.sftp.host (environment variable RELAY_CSV_SFTP_HOST)")
                    .contains("relay.csv.sftp.username (environment variable RELAY_CSV_SFTP_USERNAME)");
        }

        @Test
        void sftpSettingsAreNotCheckedForTheFolderTarget() {
            assertThat(problems(Map.of("relay.csv.target", "folder", "relay.csv.sftp.port", "0"))).isEmpty();
        }

        private static Map<String, String> with(Map<String, String> base, String key, String value) {
            Map<String, String> settings = new HashMap<>(base);
            settings.put(key, value);
            return settings;
        }

        /** Every problem SettingsSchema reports at startup for these settings, one per line. */
        private static String problems(Map<String, String> settings) {
            DefaultCamelContext context = new DefaultCamelContext();
            Properties properties = new Properties();
            // a source, which every relay needs, and every status routed to csv (by default pending goes
            // to email, which needs settings of its own), so the CSV settings' problems are the only ones
            properties.put("relay.sources", "fleet");
            Stream.of("active", "pending", "inactive").forEach(s -> properties.put("relay.routing." + s, "csv"));
            properties.put("relay.source.fleet.vendor", "terminal");
            properties.put("relay.source.fleet.base-url", "https://api.withterminal.com/tsp/v1");
            properties.put("relay.source.fleet.api-key", "key-123456");
            properties.putAll(settings);
            context.getPropertiesComponent().setOverrideProperties(properties);
            return String.join("\n", SettingsSchema.problems(new Settings(context), Map.of()));
        }
    }

    @Nested
    class FolderTarget extends RelayTestSupport {

        @Override
        protected void testProperties(Properties p) {
            cruxSource(p, crux.baseUrl());
            p.put("relay.csv.done-file", "true");
        }

        Path folder() {
            return dataDir().resolve("out/csv");
        }

        @Test
        void writesAnEmptyDoneFileBesideTheCsv() throws Exception {
            crux.stubFor(get("/timp/organizations/connections/").willReturn(okJson(Fixtures.text("crux-connections-hostile.json"))));

            assertThat(runOnce()).isZero();

            List<String> files = names(folder());
            assertThat(files).hasSize(2);
            String csv = files.get(0);
            assertThat(files.get(1)).isEqualTo(csv + ".done");
            assertThat(Files.readString(folder().resolve(csv))).isEqualTo(Fixtures.text("expected/crux-hostile.csv"));
            assertThat(folder().resolve(csv + ".done")).isEmptyFile();
        }

        @Test
        void refusesAReplayedNameThatIsNotPlain() throws Exception {
            Files.createDirectories(folder());
            for (String hostile : List.of("../escaped.csv", "../../escaped.csv", "/tmp/absolute.csv", ".hidden.csv",
                    "x.csv\r\nInjected")) {
                template.send("direct:csv-publish", exchange -> {
                    exchange.getMessage().setHeader(Exchange.FILE_NAME, hostile);
                    exchange.getMessage().setBody("a,b\r\n");
                });
            }

            assertThat(names(folder())).isEmpty();
            assertThat(names(dataDir().resolve("out"))).containsExactly("csv");
            assertThat(names(dataDir())).doesNotContain("escaped.csv");
            assertThat(deadLetters().list()).hasSize(5)
                    .allSatisfy(e -> assertThat(e.error()).contains("Refusing file name").doesNotContain("\n"));
        }

        private static List<String> names(Path dir) throws Exception {
            try (Stream<Path> files = Files.list(dir)) {
                return files.map(f -> f.getFileName().toString()).sorted().toList();
            }
        }
    }
}
