package io.connectionrelay.ops;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.connectionrelay.support.Fixtures;
import io.connectionrelay.support.Http;
import io.connectionrelay.support.MetricsScrape;
import io.connectionrelay.support.RelayTestSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * The dashboard and alert rules in ops/ query only what the relay serves: every metric their
 * PromQL names is in a real scrape of /observe/metrics after a one-shot cycle that polls, routes to
 * csv and webhook, and has a webhook subscriber refuse (so the lazily created failure and
 * dead-letter counters exist too). promtool checks the rules' logic (.ci/promtool-check).
 */
class ShippedDashboardAndAlertsTest extends RelayTestSupport {

    static final Path DASHBOARD = Path.of("ops/grafana/dashboards/connection-relay.json");
    static final Path ALERTS = Path.of("ops/prometheus/alerts.yml");
    /** Series Prometheus makes itself for every target; the relay cannot export them. */
    static final Set<String> PROMETHEUS_OWN = Set.of("up");

    static final Set<String> NOT_METRICS = Set.of("by", "without", "on", "ignoring", "group_left", "group_right",
            "offset", "bool", "and", "or", "unless");
    /** A label matcher, a range or a grouping clause: never a metric name inside. */
    static final Pattern NOT_NAMES = Pattern.compile(
            "\"(?:[^\"\\\\]|\\\\.)*\"|\\{[^}]*}|\\[[^]]*]|\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
    /** An identifier that is not part of a number or duration (15m) and not a $variable. */
    static final Pattern IDENTIFIER = Pattern.compile("(?<![\\w$.])[a-zA-Z_:][a-zA-Z0-9_:]*+(?!\\s*\\()");
    static final Pattern LABEL_VALUES = Pattern.compile("label_values\\(\\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\\s*,");

    @RegisterExtension
    static WireMockExtension crux = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    @RegisterExtension
    static WireMockExtension crm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();



    @Override
    protected void testProperties(Properties p) {
        serveManagementPort(p);
        cruxSource(p, crux.baseUrl());
        p.put("relay.source.crux-a.period", "2m");
        routeEverythingTo(p, "csv,webhook");
        p.put("relay.webhook.subscribers", "crm");
        p.put("relay.webhook.subscriber.crm.url", crm.baseUrl() + "/hooks");
        p.put("relay.webhook.subscriber.crm.secret", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
    }

    @Test
    void everyQueryOfTheDashboardAndTheAlertsNamesAMetricTheRelayServes() throws Exception {
        crux.stubFor(get("/timp/organizations/connections/").willReturn(okJson(Fixtures.text("crux-connections.json"))));
        // gone: permanent, so each event is dead-lettered at once and counted as a failed delivery
        crm.stubFor(post("/hooks").willReturn(aResponse().withStatus(410)));

        assertThat(runOnce()).isEqualTo(1);

        HttpResponse<String> response = Http.get(managementPort(), "/observe/metrics");
        assertThat(response.statusCode()).isEqualTo(200);
        MetricsScrape scrape = new MetricsScrape(response.body());
        Set<String> served = response.body().lines().filter(l -> !l.isBlank() && !l.startsWith("#"))
                .map(l -> l.split("[{ ]", 2)[0]).collect(Collectors.toCollection(TreeSet::new));
        // the series the alerts are built on, with the values they compare
        assertThat(scrape.value("relay_source_period_seconds", "source", "crux-a")).hasValue(120);
        assertThat(scrape.value("relay_ready")).hasValue(1);
        assertThat(scrape.value("relay_delivery_failures_total", "channel", "webhook", "target", "crm")).hasValue(3);
        assertThat(scrape.value("process_start_time_seconds").getAsDouble()).isPositive();
        // one process alone holds its sources and its timers poll them (cluster/ClusterOperationsTest: replicas)
        assertThat(scrape.find("relay_replica", "mode", "single")).singleElement()
                .satisfies(replica -> assertThat(replica.value()).isEqualTo(1));
        assertThat(scrape.value("relay_scheduler_running")).hasValue(1);
        assertThat(scrape.value("relay_source_held", "source", "crux-a")).hasValue(1);

        List<String> dashboardQueries = dashboardQueries();
        assertThat(dashboardQueries).hasSizeGreaterThanOrEqualTo(10);
        Set<String> dashboardMetrics = metricsNamedIn(dashboardQueries);
        assertThat(dashboardMetrics).as("metrics the dashboard queries, all served").isSubsetOf(served)
                .contains("relay_cycles_total", "relay_records_routed_total", "relay_deliveries_total",
                        "relay_delivery_failures_total", "relay_dead_letter_entries", "relay_dead_letters_total",
                        "relay_cycle_last_duration_seconds", "relay_cycle_last_success_timestamp_seconds",
                        "relay_replica", "relay_scheduler_running", "relay_source_held");

        List<String> alertExpressions = alertExpressions();
        assertThat(alertExpressions).hasSize(5);
        Set<String> alertMetrics = metricsNamedIn(alertExpressions);
        alertMetrics.removeAll(PROMETHEUS_OWN);
        assertThat(alertMetrics).as("metrics the alert rules query, all served").isSubsetOf(served)
                .contains("relay_ready", "relay_source_period_seconds", "process_start_time_seconds");
    }

    @Test
    void theMetricNameReaderFindsNamesAndOnlyNames() {
        assertThat(metricsNamedIn(List.of(
                "sum by (source, outcome) (increase(relay_cycles_total{instance=~\"$instance\"}[$__rate_interval]))",
                "time() - (a_b > 0 or on (instance, job) c * 0 + on (job) group_left () d) > 3 * e offset 15m",
                "label_values(relay_ready, instance)")))
                .containsExactlyInAnyOrder("relay_cycles_total", "a_b", "c", "d", "e", "relay_ready");
    }

    /** Every PromQL expression in the dashboard: panel targets and the template variables' queries. */
    static List<String> dashboardQueries() throws Exception {
        JsonNode dashboard = new ObjectMapper().readTree(Files.readString(DASHBOARD));
        List<String> queries = new ArrayList<>();
        dashboard.findValues("expr").forEach(expr -> queries.add(expr.asText()));
        for (JsonNode variable : dashboard.path("templating").path("list")) {
            if (variable.path("type").asText().equals("query")) {
                queries.add(variable.path("definition").asText());
            }
        }
        return queries;
    }

    @SuppressWarnings("unchecked")
    static List<String> alertExpressions() throws Exception {
        Map<String, Object> file = (Map<String, Object>) new Load(LoadSettings.builder().build())
                .loadFromString(Files.readString(ALERTS));
        List<String> expressions = new ArrayList<>();
        for (Map<String, Object> group : (List<Map<String, Object>>) file.get("groups")) {
            for (Map<String, Object> rule : (List<Map<String, Object>>) group.get("rules")) {
                expressions.add((String) rule.get("expr"));
            }
        }
        return expressions;
    }

    static Set<String> metricsNamedIn(List<String> queries) {
        Set<String> names = new TreeSet<>();
        for (String query : queries) {
            Matcher labelValues = LABEL_VALUES.matcher(query);
            if (labelValues.find()) {
                names.add(labelValues.group(1));
                continue;
            }
            Matcher identifiers = IDENTIFIER.matcher(NOT_NAMES.matcher(query).replaceAll(" "));
            while (identifiers.find()) {
                if (!NOT_METRICS.contains(identifiers.group())) {
                    names.add(identifiers.group());
                }
            }
        }
        return names;
    }
}
