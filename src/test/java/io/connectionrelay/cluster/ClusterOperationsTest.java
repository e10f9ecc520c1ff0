package io.connectionrelay.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.connectionrelay.support.ChildRelay;
import io.connectionrelay.support.CountingCruxUpstream;
import io.connectionrelay.support.Http;
import io.connectionrelay.support.MetricsScrape;
import io.connectionrelay.support.TestPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What two relay processes in cluster mode on one PostgreSQL database tell an operator, each on its
 * own health and metrics port: which replica it is, that its scheduler runs, and which one holds
 * the source (checked against Quartz's own record of the replica executing the poll); and that
 * both say they are not polling, readiness DOWN, while the state database refuses them.
 */
class ClusterOperationsTest {

    static final String SOURCE = "crux-a";
    static final Duration PERIOD = Duration.ofSeconds(3);

    @TempDir
    Path data;

    CountingCruxUpstream upstream;
    List<Long> polls;
    final List<ChildRelay.Run> replicas = new CopyOnWriteArrayList<>();

    @AfterEach
    void stopAll() throws InterruptedException {
        for (ChildRelay.Run replica : replicas) {
            replica.terminate();
            if (replica.alive()) {
                replica.awaitExit(30);
            }
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    @Test
    void eachReplicaSaysWhoItIsWhetherItPollsAndWhichSourceItHolds() throws Exception {
        startUpstream();
        String database = TestPostgres.get().newDatabase();
        Replica one = new Replica("replica-1", Http.freePort(), database);
        Replica two = new Replica("replica-2", Http.freePort(), database);
        await().atMost(Duration.ofMinutes(3)).until(() -> one.started() && two.started() || !one.alive() || !two.alive());
        assertThat(one.alive()).as("replica-1 came up:\n%s", one.run.output()).isTrue();
        assertThat(two.alive()).as("replica-2 came up:\n%s", two.run.output()).isTrue();
        assertThat(one.run.output()).contains("cluster mode, instance replica-1");
        assertThat(two.run.output()).contains("cluster mode, instance replica-2");
        await().atMost(Duration.ofSeconds(60)).until(() -> polls.size() >= 2);

        for (Replica replica : List.of(one, two)) {
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                MetricsScrape scrape = replica.scrape();
                assertThat(scrape.value("relay_replica", "replica", replica.id, "mode", "cluster")).hasValue(1);
                assertThat(scrape.value("relay_scheduler_running")).hasValue(1);
                assertThat(scrape.value("relay_source_held", "source", SOURCE)).isPresent();
                JsonNode check = replica.readinessCheck();
                assertThat(check.path("status").asText()).isEqualTo("UP");
                assertThat(check.path("data").path("mode").asText()).isEqualTo("cluster");
                assertThat(check.path("data").path("instance-id").asText()).isEqualTo(replica.id);
                assertThat(check.path("data").path("scheduler").asText()).startsWith("running");
            });
        }

        // a poll slower than the period: the replica executing it (Quartz's fired-triggers table
        // says which) holds the source, the other does not
        upstream.answerAfter(3 * PERIOD.toMillis());
        String holder = await().atMost(Duration.ofSeconds(30)).until(() -> executing(database), Optional::isPresent)
                .orElseThrow();
        Replica holding = holder.equals(one.id) ? one : two;
        Replica other = holding == one ? two : one;
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(holding.scrape().value("relay_source_held", "source", SOURCE)).hasValue(1);
            assertThat(holding.readinessCheck().path("data").path("sources-held").asText()).isEqualTo(SOURCE);
            assertThat(other.scrape().value("relay_source_held", "source", SOURCE)).hasValue(0);
            assertThat(other.readinessCheck().path("data").path("sources-held").asText()).isEqualTo("none");
        });
        assertThat(executing(database)).as("still the same poll").hasValue(holder);
        upstream.answerAfter(0);

        // the state database refuses both: neither can check in, so neither says it polls
        refuseConnections(database, true);
        try {
            for (Replica replica : List.of(one, two)) {
                await().atMost(Duration.ofSeconds(40)).untilAsserted(() -> {
                    HttpResponse<String> ready = replica.http(Replica.READY);
                    assertThat(ready.statusCode()).as(ready.body()).isEqualTo(503);
                    JsonNode check = replicaCheck(ready.body());
                    assertThat(check.path("status").asText()).isEqualTo("DOWN");
                    assertThat(check.path("data").path("scheduler").asText())
                            .containsAnyOf("cannot check in", "no check-in result", "last checked in");
                    assertThat(check.path("data").path("sources-held").asText()).isEqualTo("none");
                    assertThat(replica.scrape().value("relay_scheduler_running")).hasValue(0);
                    assertThat(replica.scrape().value("relay_ready")).hasValue(0);
                });
            }
            System.out.printf("Database refused: %s readiness says %s%n", one.id,
                    replicaCheck(one.http(Replica.READY).body()).path("message").asText());
        } finally {
            refuseConnections(database, false);
        }

        // and back: both check in again and the source is polled again
        int before = polls.size();
        for (Replica replica : List.of(one, two)) {
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                assertThat(replica.http("/observe/health/ready").statusCode()).isEqualTo(200);
                assertThat(replica.scrape().value("relay_scheduler_running")).hasValue(1);
            });
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> polls.size() > before);
    }

    /** The replica whose scheduler Quartz records as executing the source's poll now, if any. */
    private static Optional<String> executing(String database) throws Exception {
        try (Connection connection = DriverManager.getConnection(database, TestPostgres.USER, "");
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT instance_name FROM qrtz_fired_triggers "
                        + "WHERE trigger_name = '" + SOURCE + "' AND state = 'EXECUTING'")) {
            return rows.next() ? Optional.of(rows.getString(1)) : Optional.empty();
        }
    }

    /** Closes the database to new connections and ends the open ones, as a database restart or a network cut does. */
    private static void refuseConnections(String database, boolean refuse) throws Exception {
        String name = database.substring(database.lastIndexOf('/') + 1);
        try (Connection admin = DriverManager.getConnection(TestPostgres.get().jdbcUrl("postgres"), TestPostgres.USER, "");
                Statement statement = admin.createStatement()) {
            statement.execute("ALTER DATABASE " + name + " ALLOW_CONNECTIONS " + !refuse);
            if (refuse) {
                try (PreparedStatement terminate = admin.prepareStatement(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = ?")) {
                    terminate.setString(1, name);
                    terminate.executeQuery().close();
                }
            }
        }
    }

    /** The relay-replica check in a readiness answer. */
    private static JsonNode replicaCheck(String body) throws IOException {
        for (JsonNode check : new ObjectMapper().readTree(body).path("checks")) {
            if (check.path("name").asText().equals("relay-replica")) {
                return check;
            }
        }
        throw new AssertionError("no relay-replica check in " + body);
    }

    private void startUpstream() throws IOException {
        upstream = new CountingCruxUpstream(20);
        polls = upstream.polls();
    }

    /** One replica with its own disk and operations port; the database, upstream and CSV folder are shared. */
    private final class Replica {

        /** Readiness with each check's details. */
        static final String READY = "/observe/health/ready?exposureLevel=full&data=true";

        final String id;
        final int port;
        final ChildRelay.Run run;

        Replica(String id, int port, String database) {
            this.id = id;
            this.port = port;
            this.run = ChildRelay.in(data.resolve(id))
                    .serveOperations(port)
                    .set("relay.cluster.enabled", "true")
                    .set("relay.cluster.instance-id", id)
                    .set("relay.cluster.checkin-interval", "1s")
                    .set("relay.cluster.misfire-threshold", "1s")
                    .set("relay.state.jdbc-url", database)
                    .set("relay.state.username", TestPostgres.USER)
                    .set("relay.sources", SOURCE)
                    .set("relay.source." + SOURCE + ".vendor", "crux")
                    .set("relay.source." + SOURCE + ".base-url", upstream.baseUrl())
                    .set("relay.source." + SOURCE + ".token", "cluster-ops-token")
                    .set("relay.source." + SOURCE + ".period", PERIOD.toSeconds() + "s")
                    .set("relay.routing.pending", "csv")
                    .set("relay.routing.inactive", "csv")
                    .set("relay.csv.folder", data.resolve("out/csv").toString())
                    .start();
            replicas.add(run);
        }

        boolean started() {
            return run.output().contains("connection-relay started");
        }

        boolean alive() {
            return run.alive();
        }

        HttpResponse<String> http(String path) throws Exception {
            return Http.get(port, path);
        }

        MetricsScrape scrape() throws Exception {
            HttpResponse<String> response = http("/observe/metrics");
            assertThat(response.statusCode()).isEqualTo(200);
            return new MetricsScrape(response.body());
        }

        JsonNode readinessCheck() throws Exception {
            return replicaCheck(http(READY).body());
        }
    }
}
