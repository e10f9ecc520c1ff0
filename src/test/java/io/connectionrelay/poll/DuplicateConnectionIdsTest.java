package io.connectionrelay.poll;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.connectionrelay.normalize.DuplicateConnections;
import io.connectionrelay.support.CsvExports;
import io.connectionrelay.support.Fixtures;
import io.connectionrelay.support.Http;
import io.connectionrelay.support.MetricsScrape;
import io.connectionrelay.support.RelayTestSupport;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/**
 * A Crux answer that lists connections more than once, with conflicting statuses: each connection
 * reaches the CSV and the webhook subscriber once per cycle, as its first occurrence says; the
 * repeats are counted (relay_duplicate_records_total) and reported in one warning per cycle.
 */
class DuplicateConnectionIdsTest extends RelayTestSupport {

    static final String CONNECTIONS = "/timp/organizations/connections/";
    static final String HOOKS = "/hooks";
    static final ObjectMapper JSON = new ObjectMapper();
    // the hostile fixture: DEACTIVATED, ACTIVE, CONFIRMATION WAITING
    static final String FIRST = "c3081fd8-202b-47f2-9347-63d3c27028f1";
    static final String SECOND = "6b062210-6f5f-45bb-bf9a-100574368013";
    static final String THIRD = "0db8f846-cd78-4b13-b6b4-3e2880fc7eac";

    @RegisterExtension
    static WireMockExtension crux = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();
    @RegisterExtension
    static WireMockExtension crm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    private final ListAppender<ILoggingEvent> warnings = new ListAppender<>();


    @Override
    protected void testProperties(Properties p) {
        cruxSource(p, crux.baseUrl());
        routeEverythingTo(p, "csv,webhook");
        p.put("relay.webhook.subscribers", "crm-a");
        p.put("relay.webhook.subscriber.crm-a.url", crm.baseUrl() + HOOKS);
        p.put("relay.webhook.subscriber.crm-a.secret", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
        serveManagementPort(p);
    }

    @AfterEach
    void detachLog() {
        logger().detachAppender(warnings);
    }

    static Logger logger() {
        return (Logger) LoggerFactory.getLogger(DuplicateConnections.class);
    }

    /** The fixture's three connections, each repeated later with another status. */
    static String payloadWithRepeats() throws Exception {
        ArrayNode fixture = (ArrayNode) JSON.readTree(Fixtures.text("crux-connections-hostile.json"));
        ArrayNode payload = JSON.createArrayNode();
        payload.add(fixture.get(0));
        payload.add(fixture.get(1));
        payload.add(withStatus(fixture.get(0), "ACTIVE"));
        payload.add(fixture.get(2));
        payload.add(withStatus(fixture.get(1), "DEACTIVATED"));
        payload.add(withStatus(fixture.get(0), "CONFIRMATION WAITING"));
        return payload.toString();
    }

    static JsonNode withStatus(JsonNode connection, String status) {
        ObjectNode copy = connection.deepCopy();
        copy.put("status", status);
        return copy;
    }

    static List<String> csvRows(Path file) throws Exception {
        List<String> rows = new ArrayList<>();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            for (CSVRecord row : CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get().parse(in)) {
                rows.add(row.get("connection_id") + " " + row.get("status"));
            }
        }
        return rows;
    }

    List<String> webhooks() throws Exception {
        List<LoggedRequest> requests = new ArrayList<>(crm.findAll(postRequestedFor(urlPathEqualTo(HOOKS))));
        requests.sort(Comparator.comparing(LoggedRequest::getLoggedDate));
        List<String> events = new ArrayList<>();
        for (LoggedRequest request : requests) {
            JsonNode data = JSON.readTree(request.getBody()).path("data");
            events.add(data.path("connectionId").asText() + " " + data.path("status").asText());
        }
        return events;
    }

    @Test
    void eachConnectionGoesOutOncePerCycleAsItsFirstOccurrenceSays() throws Exception {
        crux.stubFor(get(CONNECTIONS).willReturn(okJson(payloadWithRepeats())));
        crm.stubFor(post(urlPathEqualTo(HOOKS)).willReturn(aResponse().withStatus(204)));
        warnings.start();
        logger().addAppender(warnings);
        List<String> firstOccurrences = List.of(FIRST + " INACTIVE", SECOND + " ACTIVE", THIRD + " PENDING");

        assertThat(runOnce()).isZero();

        CsvExports csv = CsvExports.in(dataDir().resolve("out/csv"));
        assertThat(csv.files()).hasSize(1);
        assertThat(csvRows(csv.files().get(0))).containsExactlyElementsOf(firstOccurrences);
        assertThat(webhooks()).containsExactlyInAnyOrderElementsOf(firstOccurrences);
        assertThat(scrape().value("relay_duplicate_records_total", "source", "crux-a")).hasValue(3);
        assertThat(warnings.list).singleElement().satisfies(line -> {
            assertThat(line.getLevel()).isEqualTo(Level.WARN);
            assertThat(line.getFormattedMessage()).contains("crux-a").contains("dropped 3 later one(s)")
                    .contains(FIRST);
        });

        // the next cycle starts afresh: the same answer, the same three rows; nothing changed, so no webhook
        assertThat(runOnce()).isZero();

        assertThat(csv.files()).hasSize(2);
        assertThat(csvRows(csv.files().get(1))).containsExactlyElementsOf(firstOccurrences);
        assertThat(webhooks()).hasSize(3);
        assertThat(scrape().value("relay_duplicate_records_total", "source", "crux-a")).hasValue(6);
        assertThat(warnings.list).hasSize(2);
        assertThat(deadLetters().list()).isEmpty();
    }

    MetricsScrape scrape() throws Exception {
        return new MetricsScrape(Http.get(managementPort(), "/observe/metrics").body());
    }
}
