package io.connectionrelay.cluster;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.connectionrelay.support.ChildRelay;
import io.connectionrelay.support.CountingCruxUpstream;
import io.connectionrelay.support.TestPostgres;
import io.connectionrelay.support.WebhookLog;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two relay processes in cluster mode on one PostgreSQL database and one upstream, as an operator
 * runs them: started at the same instant on an empty database, polling one Crux source every 3 s.
 * The upstream counts the polls; the replica running a poll is killed (SIGKILL) in the middle of
 * it; the subscriber, the CSV folder and the outbox they share show what was delivered.
 */
class TwoReplicasTest {

    static final Duration PERIOD = Duration.ofSeconds(3);
    static final Duration CHECKIN = Duration.ofSeconds(1);
    static final Duration FAILOVER = new ClusterSettings(true, "-", CHECKIN, Duration.ofSeconds(1)).failoverTime();
    static final String HOOKS = "/hooks";
    static final int CONNECTIONS = 50;

    @RegisterExtension
    static WireMockExtension crm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    @TempDir
    Path data;

    CountingCruxUpstream upstream;
    List<Long> polls;
    final List<ChildRelay.Run> replicas = new ArrayList<>();

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
    void onePollPerPeriodFailoverWithinTheDocumentedTimeAndNothingDecidedTwice() throws Exception {
        crm.stubFor(post(urlPathEqualTo(HOOKS)).willReturn(aResponse().withStatus(204)));
        startUpstream();
        String database = TestPostgres.get().newDatabase();

        // two replicas at the same instant on an empty database: Flyway serializes the schema
        ChildRelay.Run first = replica("replica-1", database).start();
        ChildRelay.Run second = replica("replica-2", database).start();
        replicas.add(first);
        replicas.add(second);
        await().atMost(Duration.ofMinutes(3)).until(() -> started(first) && started(second)
                || !first.alive() || !second.alive());
        assertThat(first.alive()).as("replica-1 came up:\n%s", first.output()).isTrue();
        assertThat(second.alive()).as("replica-2 came up:\n%s", second.output()).isTrue();
        assertThat(first.output()).contains("cluster mode, instance replica-1");

        // at least three periods with both up: one poll per period, never one per replica. The
        // schedule is fixed-rate, so a poll a busy machine started late is followed by a shorter gap.
        await().atMost(Duration.ofSeconds(90)).until(() -> polls.size() >= 6);
        assertOnePollPerPeriod(polls);

        // a slow poll; the replica running it (Quartz's record of fired triggers says which) is killed mid-poll
        upstream.answerAfter(4000);
        int before = polls.size();
        await().atMost(Duration.ofSeconds(30)).until(() -> polls.size() > before);
        String holder = runningPoll(database);
        ChildRelay.Run running = holder.equals("replica-1") ? first : second;
        ChildRelay.Run survivor = running == first ? second : first;
        long killedAt = System.currentTimeMillis();
        running.kill();
        upstream.answerAfter(0);
        int afterKill = polls.size();
        await().atMost(FAILOVER.plus(PERIOD).plusSeconds(20)).until(() -> polls.size() > afterKill);
        long failover = polls.get(afterKill) - killedAt;
        System.out.printf("Failover: %s killed mid-poll; the other polled %d ms later (documented bound %d ms)%n",
                holder, failover, FAILOVER.toMillis());
        assertThat(failover).as("the survivor took the source over").isLessThanOrEqualTo(FAILOVER.toMillis() + 3000);

        // two more periods on the survivor alone, then a graceful stop so its last cycle completes
        await().atMost(Duration.ofSeconds(30)).until(() -> polls.size() >= afterKill + 3);
        survivor.terminate();
        survivor.awaitExit(60);
        assertOnePollPerPeriod(polls.subList(afterKill, polls.size()));

        List<WebhookLog.Received> received = WebhookLog.of(crm, HOOKS).received();
        Map<String, List<String>> createdIds = new HashMap<>();
        Map<String, Long> receptions = received.stream()
                .collect(Collectors.groupingBy(WebhookLog.Received::webhookId, Collectors.counting()));
        for (WebhookLog.Received r : received) {
            if (r.change().contains(" null->")) {
                List<String> ids = createdIds.computeIfAbsent(r.key(), k -> new ArrayList<>());
                if (!ids.contains(r.webhookId())) {
                    ids.add(r.webhookId());
                }
            }
        }
        long resends = receptions.values().stream().mapToLong(n -> n - 1).sum();
        System.out.printf("Webhooks: %d requests, %d distinct ids, %d same-id resends, polls %d%n",
                received.size(), receptions.size(), resends, polls.size());
        assertThat(createdIds).as("every connection seen got a connection.created").hasSizeGreaterThanOrEqualTo(30);
        assertThat(createdIds.values()).as("one connection.created webhook-id per connection")
                .allSatisfy(ids -> assertThat(ids).hasSize(1));
        // only what was in flight on the killed replica may be sent again, and only under its own id
        assertThat(resends).as("same-id resends").isLessThanOrEqualTo(CONNECTIONS);

        // each finished cycle one CSV; the killed cycle none
        List<Path> csv = files(data.resolve("out/csv"), ".csv");
        int finished = csv.size();
        assertThat(finished).as("CSV files for %d polls, one cut short", polls.size())
                .isBetween(polls.size() - 2, polls.size() - 1);

        // each manager one digest: every period polls the same connections, so only the first is news,
        // and one replica claims it
        Map<String, Long> digests = new HashMap<>();
        for (Path eml : files(data.resolve("out/outbox"), ".eml")) {
            String to = Files.readAllLines(eml).stream().filter(l -> l.startsWith("To:")).findFirst().orElse("?");
            digests.merge(to, 1L, Long::sum);
        }
        System.out.printf("Digests per manager: %s over %d finished cycles%n", digests, finished);
        assertThat(digests).isNotEmpty();
        assertThat(digests.values()).allSatisfy(n -> assertThat(n).isEqualTo(1L));
        for (ChildRelay.Run replica : replicas) {
            assertThat(replica.output().lines().filter(l -> l.contains(" ERROR ")).toList())
                    .as("errors logged").isEmpty();
        }
    }

    /** The replica whose Quartz scheduler is executing the source's trigger now. */
    private static String runningPoll(String database) throws Exception {
        try (Connection connection = DriverManager.getConnection(database, TestPostgres.USER, "");
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT instance_name FROM qrtz_fired_triggers "
                        + "WHERE trigger_name = 'crux-a' AND state = 'EXECUTING'")) {
            assertThat(rows.next()).as("a replica is executing the poll").isTrue();
            return rows.getString(1);
        }
    }

    /** Polls no more often than the period (one late start may be caught up), and never two at once. */
    private void assertOnePollPerPeriod(List<Long> times) {
        long first = times.get(0);
        String seen = times.stream().map(t -> Long.toString(t - first)).collect(Collectors.joining(", ")) + " ms";
        long span = times.get(times.size() - 1) - first;
        assertThat(times.size() - 1).as("intervals between polls at %s", seen)
                .isLessThanOrEqualTo((int) (span / PERIOD.toMillis()) + 1);
        for (int i = 1; i < times.size(); i++) {
            assertThat(times.get(i) - times.get(i - 1)).as("gap before poll %d at %s", i, seen)
                    .isGreaterThanOrEqualTo(PERIOD.toMillis() / 4);
        }
    }

    private void startUpstream() throws IOException {
        upstream = new CountingCruxUpstream(CONNECTIONS - 3);
        polls = upstream.polls();
    }

    /** One replica: its own disk (staging, dead letters, spool), the shared database, upstream, CSV folder and outbox. */
    private ChildRelay replica(String instance, String jdbcUrl) {
        return ChildRelay.in(data.resolve(instance))
                .set("relay.cluster.enabled", "true")
                .set("relay.cluster.instance-id", instance)
                .set("relay.cluster.checkin-interval", CHECKIN.toMillis() + "ms")
                .set("relay.cluster.misfire-threshold", "1s")
                .set("relay.state.jdbc-url", jdbcUrl)
                .set("relay.state.username", TestPostgres.USER)
                .set("relay.sources", "crux-a")
                .set("relay.source.crux-a.vendor", "crux")
                .set("relay.source.crux-a.base-url", upstream.baseUrl())
                .set("relay.source.crux-a.token", "cluster-test-token")
                .set("relay.source.crux-a.period", PERIOD.toSeconds() + "s")
                .set("relay.upstream.retry.initial-delay", "100ms")
                .set("relay.routing.active", "csv,webhook")
                .set("relay.routing.pending", "email")
                .set("relay.routing.inactive", "webhook")
                .set("relay.csv.folder", data.resolve("out/csv").toString())
                .set("relay.email.transport", "outbox")
                .set("relay.email.outbox-folder", data.resolve("out/outbox").toString())
                .set("relay.email.from", "Relay <relay@example.com>")
                .set("relay.email.group-wait", "1s")
                .set("relay.webhook.subscribers", "crm")
                .set("relay.webhook.subscriber.crm.url", crm.baseUrl() + HOOKS)
                .set("relay.webhook.subscriber.crm.secret", "whsec_Y2x1c3Rlci10ZXN0LXNlY3JldC0zMi1ieXRlcy1sb25nIQ==");
    }

    private static boolean started(ChildRelay.Run replica) {
        return replica.output().contains("connection-relay started");
    }

    private static List<Path> files(Path folder, String suffix) throws IOException {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(f -> f.getFileName().toString().endsWith(suffix)).sorted().toList();
        }
    }
}
