package io.connectionrelay.enrich;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;


import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.connectionrelay.app.RelayApplication;
import io.connectionrelay.support.Fixtures;
import io.connectionrelay.support.RelayTestSupport;
import org.apache.camel.main.Main;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Enrichment end to end: a Crux source in WireMock, the directory file on disk, the CSV channel's files. */
class EnrichmentTest extends RelayTestSupport {

    static final String CONNECTIONS = "/timp/organizations/connections/";
    static final String ZUUL = "c3081fd8-202b-47f2-9347-63d3c27028f1";
    static final String STEVENS = "6b062210-6f5f-45bb-bf9a-100574368013";
    static final String SHAGSTER = "0db8f846-cd78-4b13-b6b4-3e2880fc7eac";

    @RegisterExtension
    static WireMockExtension crux = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    final ObjectMapper json = new ObjectMapper();

    @Override
    protected void testProperties(Properties p) {
        cruxSource(p, crux.baseUrl());
        p.put("relay.enrich.directory-file", directory("counterparty,PROJECTZUUL,Ana García,ana@example.com\n")
                .toString());
        p.put("relay.enrich.default-manager.name", "Partner Operations");
        p.put("relay.enrich.default-manager.email", "ops@example.com");
    }

    Path directory(String rows) {
        try {
            Path file = dataDir().resolve("account-managers-" + rows.hashCode() + ".csv");
            Files.writeString(file, "match_field,match_value,manager_name,manager_email\n" + rows);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The seed connections with no account manager on Zuul's and Shagster's, and Zuul's status as given. */
    String payload(String zuulStatus) throws IOException {
        ArrayNode connections = (ArrayNode) json.readTree(Fixtures.text("crux-connections.json"));
        ((ObjectNode) connections.get(0)).putNull("account_manager").put("status", zuulStatus);
        ((ObjectNode) connections.get(2)).putNull("account_manager");
        return json.writeValueAsString(connections);
    }

    /** Connection id to row of the newest published CSV. */
    Map<String, CSVRecord> newestCsv() throws IOException {
        Path newest;
        try (Stream<Path> files = Files.list(dataDir().resolve("out/csv"))) {
            newest = files.sorted().reduce((a, b) -> b).orElseThrow();
        }
        Map<String, CSVRecord> rows = new LinkedHashMap<>();
        CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get()
                .parse(new StringReader(Files.readString(newest)))
                .forEach(row -> rows.put(row.get("connection_id"), row));
        return rows;
    }

    @Test
    void managersComeFromTheVendorTheDirectoryOrTheDefault() throws Exception {
        crux.stubFor(get(CONNECTIONS).willReturn(okJson(payload("ACTIVE"))));

        assertThat(runOnce()).isZero();

        Map<String, CSVRecord> rows = newestCsv();
        assertThat(rows.get(ZUUL).get("account_manager_name")).isEqualTo("Ana García");
        assertThat(rows.get(ZUUL).get("account_manager_email")).isEqualTo("ana@example.com");
        assertThat(rows.get(STEVENS).get("account_manager_email")).isEqualTo("joe@cruxaccountmanager.com");
        assertThat(rows.get(SHAGSTER).get("account_manager_email")).isEqualTo("ops@example.com");
    }

    @Test
    void daysInStatusRestartWhenTheStatusChanges() throws Exception {
        crux.stubFor(get(CONNECTIONS).willReturn(okJson(payload("ACTIVE"))));
        assertThat(runOnce()).isZero();
        assertThat(newestCsv().get(ZUUL).get("days_in_status")).as("active since created, 2018-06-28").isEqualTo("3069");

        crux.stubFor(get(CONNECTIONS).willReturn(okJson(payload("DEACTIVATED"))));
        Thread.sleep(5); // the next CSV needs a later file name
        assertThat(runOnce()).isZero();

        Map<String, CSVRecord> rows = newestCsv();
        assertThat(rows.get(ZUUL).get("status")).isEqualTo("INACTIVE");
        assertThat(rows.get(ZUUL).get("days_in_status")).as("deactivated as of this cycle").isEqualTo("0");
        assertThat(rows.get(STEVENS).get("days_in_status")).isEqualTo("3069");
    }

    @Test
    void aMalformedDirectoryStopsStartupNamingFileAndLine() {
        Path broken = directory("tag,vip,Ana,ana@example.com\nregion,emea,Bob,bob@example.com\n");
        Properties properties = useOverridePropertiesWithPropertiesComponent();
        properties.put("relay.enrich.directory-file", broken.toString());
        Main main = new Main();
        main.setPropertyPlaceholderLocations("file:config/application.properties");
        main.setOverrideProperties(properties);
        RelayApplication.configure(main.configure());

        assertThatThrownBy(main::start)
                .hasMessageContaining("relay.enrich.directory-file (environment variable RELAY_ENRICH_DIRECTORY_FILE) is '"
                        + broken + "'")
                .hasMessageContaining("line 3: match_field 'region' is not one of");
        main.stop();
    }
}
