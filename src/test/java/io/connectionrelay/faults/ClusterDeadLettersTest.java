package io.connectionrelay.faults;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.connectionrelay.core.DeadLetter;
import io.connectionrelay.core.RecordMappingException;
import io.connectionrelay.deadletter.DeadLetterEntry;
import io.connectionrelay.deadletter.DeadLetterStore;
import io.connectionrelay.deliver.webhook.WebhookSigner;
import io.connectionrelay.support.ChildRelay;
import io.connectionrelay.support.Http;
import io.connectionrelay.support.MetricsScrape;
import io.connectionrelay.support.SizedCruxPayload;
import io.connectionrelay.support.TestPostgres;
import io.connectionrelay.support.WebhookLog;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * In cluster mode the dead-letter store is the state database the replicas share (a real
 * PostgreSQL started by the test run). Replica A is this test's relay (Camel Main in cluster mode,
 * one-shot); replicas B and C are relay processes with data folders of their own, where an
 * operator runs --dead-letters and --replay on another host.
 */
class ClusterDeadLettersTest extends FaultCase {

    /** The heap of the replicas that store and replay a large payload: well under the payload's size plus the relay's own needs. */
    static final String SMALL_HEAP = "64m";
    static final long LARGE_PAYLOAD = 40L * 1024 * 1024;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private String database;

    @Override
    protected void fault(Properties p) {
        p.put("relay.cluster.enabled", "true");
        p.put("relay.cluster.instance-id", "replica-a");
        p.put("relay.state.jdbc-url", database());
        p.put("relay.state.username", TestPostgres.USER);
        // a database that is down fails a write after 2 s instead of the default 30 s
        p.put("relay.state.connection-timeout", "2s");
        serveManagementPort(p);
    }

    /** Asked for while the context is being built, before this object's fields are initialised. */
    private String database() {
        if (database == null) {
            database = TestPostgres.get().newDatabase();
        }
        return database;
    }

    @BeforeEach
    void captureLog() {
        log.start();
        root.addAppender(log);
    }

    @AfterEach
    void releaseLog() {
        root.detachAppender(log);
    }

    @Test
    void aFailureOnOneReplicaIsListedAndReplayedFromAnother() throws Exception {
        upstreamAnswers(connections());
        subscriberAnswers(aResponse().withStatus(410).withBody("gone"));
        assertThat(runOnce()).isEqualTo(1);
        List<DeadLetterEntry> failed = store().list();
        assertThat(failed).hasSize(payload.size()).allSatisfy(e -> assertThat(e.channel()).isEqualTo("webhook"));
        assertThat(dataDir().resolve("dead-letter")).as("nothing in replica A's own folder").doesNotExist();

        subscriberRecovers();
        crm.resetRequests();
        try (ChildRelay.Run listing = replica("replica-b").start("--dead-letters")) {
            assertThat(listing.awaitExit(120)).as(listing.output()).isZero();
            assertThat(listing.output()).contains(payload.size() + " dead-letter entries in the state database");
            failed.forEach(e -> assertThat(listing.output()).contains(e.id()));
        }
        assertThat(crm.getAllServeEvents()).as("listing sends nothing").isEmpty();

        try (ChildRelay.Run replay = replica("replica-b").start("--replay")) {
            assertThat(replay.awaitExit(180)).as(replay.output()).isZero();
        }

        // each event once, as A signed it
        List<LoggedRequest> requests = crm.findAll(postRequestedFor(urlPathEqualTo(HOOKS)));
        WebhookSigner signer = WebhookSigner.fromSecret(SECRET);
        assertThat(requests).hasSize(payload.size()).allSatisfy(r -> assertThat(signer.verify(
                r.getHeader("webhook-id"), r.getHeader("webhook-timestamp"), r.getBody(),
                r.getHeader("webhook-signature"), r.getLoggedDate().toInstant())).as("signed").isTrue());
        assertThat(timesSent()).hasSize(payload.size()).allSatisfy((id, times) -> assertThat(times).as(id).isOne());
        assertThat(webhooks().delivered()).containsExactlyInAnyOrderElementsOf(payload.keys(SOURCE));
        assertThat(store().list()).isEmpty();
        assertThat(rows("relay_dead_letter_payload")).isZero();
    }

    @Test
    void twoReplaysOnTwoReplicasAtOnceSendEachEntryOnce() throws Exception {
        // enough entries that the two replays overlap for seconds
        FaultPayload many = FaultPayload.crux(57);
        upstreamAnswers(okJson(many.json()));
        subscriberAnswers(aResponse().withStatus(410).withBody("gone"));
        runOnce();
        assertThat(store().list()).hasSize(many.size());
        subscriberRecovers();
        subscriberAnswers(ok().withFixedDelay(150));
        crm.resetRequests();

        try (ChildRelay.Run first = replica("replica-b").start("--replay");
                ChildRelay.Run second = replica("replica-c").start("--replay")) {
            assertThat(first.awaitExit(300)).as(first.output()).isZero();
            assertThat(second.awaitExit(300)).as(second.output()).isZero();
            assertThat(first.output() + second.output()).contains("another replay has it");
        }

        assertThat(timesSent()).hasSize(many.size()).allSatisfy((id, times) -> assertThat(times).as(id).isOne());
        assertThat(webhooks().delivered()).containsExactlyInAnyOrderElementsOf(many.keys(SOURCE));
        assertThat(store().list()).isEmpty();
    }

    /** The claim itself: of eight at once on one entry, one wins; the winner's release frees it again. */
    @Test
    void ofEightClaimsAtOnceOneWins() throws Exception {
        upstreamAnswers(aResponse().withStatus(404).withBody("no such account"));
        runOnce();
        String id = store().list().get(0).id();

        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Optional<DeadLetterEntry>>> claims = IntStream.range(0, 8)
                    .<Callable<Optional<DeadLetterEntry>>>mapToObj(i -> () -> store().claim(id)).toList();
            List<Optional<DeadLetterEntry>> results = threads.invokeAll(claims).stream().map(ClusterDeadLettersTest::get)
                    .toList();
            assertThat(results).filteredOn(Optional::isPresent).hasSize(1);
            store().release(results.stream().flatMap(Optional::stream).findFirst().orElseThrow());
        } finally {
            threads.shutdownNow();
        }
        assertThat(store().claim(id)).isPresent();
    }

    @Test
    void noSecretReachesAnyColumn() throws Exception {
        upstreamAnswers(aResponse().withStatus(500).withBody(
                "{\"error\":\"token fixed-token-123 was refused\",\"echo\":\"Authorization: Bearer fixed-token-123\"}"));
        assertThat(runOnce()).isEqualTo(1);
        DeadLetterEntry entry = store().list().get(0);
        assertThat(entry.responseBody()).contains("****");

        String everything = text("SELECT string_agg(d::text, ' ') FROM relay_dead_letter d")
                + text("SELECT convert_from(string_agg(bytes, ''::bytea ORDER BY part), 'UTF8') "
                        + "FROM relay_dead_letter_payload");
        assertThat(everything).contains("****", "was refused").doesNotContain("fixed-token-123");
        try (InputStream payload = store().openPayload(entry)) {
            assertThat(new String(payload.readAllBytes(), StandardCharsets.UTF_8))
                    .contains("****").doesNotContain("fixed-token-123");
        }
    }

    /**
     * A whole poll's body of 40 MB, cut short, is dead-lettered by a replica with a 64 MB heap and
     * replayed by another with the same: neither holds it in memory (it is written and read in
     * parts, and the replay spools it), and what the table holds is the body, byte for byte.
     */
    @Test
    void aLargePollBodyIsStoredAndReplayedUnderASmallHeap() throws Exception {
        Path body = dataDir().resolve("large.json");
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(body))) {
            new SizedCruxPayload(0).write(out, LARGE_PAYLOAD + 100);
        }
        try (FileChannel file = FileChannel.open(body, StandardOpenOption.WRITE)) {
            file.truncate(LARGE_PAYLOAD);
        }
        upstreamAnswers(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                .withBody(Files.readAllBytes(body)), connections());

        try (ChildRelay.Run a = replica("replica-a").heap(SMALL_HEAP).start("--once")) {
            assertThat(a.awaitExit(300)).as(a.output()).isEqualTo(1);
            assertThat(a.output()).doesNotContain("OutOfMemoryError").contains("Dead-lettered poll failure");
        }
        assertThat(text("SELECT stage || ' ' || payload_bytes FROM relay_dead_letter"))
                .isEqualTo("poll " + LARGE_PAYLOAD);
        assertThat(text("SELECT encode(sha256(string_agg(bytes, ''::bytea ORDER BY part)), 'hex') "
                + "FROM relay_dead_letter_payload")).isEqualTo(sha256(body));
        assertThat(Long.parseLong(text("SELECT max(octet_length(bytes)) FROM relay_dead_letter_payload")))
                .as("no part larger than 1 MiB").isLessThanOrEqualTo(1 << 20);

        try (ChildRelay.Run b = replica("replica-b").heap(SMALL_HEAP).start("--replay")) {
            assertThat(b.awaitExit(300)).as(b.output()).isZero();
            assertThat(b.output()).doesNotContain("OutOfMemoryError");
        }
        crux.verify(2, getRequestedFor(urlPathEqualTo(CONNECTIONS)));
        assertThat(rows("relay_dead_letter")).isZero();
        assertThat(rows("relay_dead_letter_payload")).isZero();
        assertThat(webhooks().delivered()).containsExactlyInAnyOrderElementsOf(payload.keys(SOURCE));
    }

    /**
     * The database goes down before a failure is written (every session ended, no new one
     * allowed). Failing to store a failure is itself a failure: --once says so and exits 1,
     * readiness goes DOWN naming the setting, a metric counts it, the log says it once; once the
     * database is back, the next run delivers what the failed one could not.
     */
    @Test
    void theDatabaseDownAtWriteTimeIsCountedTurnsReadinessDownAndLosesNothing() throws Exception {
        assertThat(readiness().statusCode()).isEqualTo(200);
        upstreamAnswers(connections());

        databaseAcceptsConnections(false);
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream stdout = System.out;
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        int exit;
        try {
            exit = runOnce();
        } finally {
            System.setOut(stdout);
        }

        assertThat(exit).isEqualTo(1);
        assertThat(printed.toString(StandardCharsets.UTF_8))
                .contains("Failures NOT stored: the dead-letter store the state database", "Result: FAILED");
        HttpResponse<String> ready = readiness();
        assertThat(ready.statusCode()).isEqualTo(503);
        assertThat(Http.get(managementPort(), "/observe/health?exposureLevel=full").body())
                .contains("relay-dead-letter-store", "relay.state.jdbc-url", "failures are not being stored");
        MetricsScrape metrics = new MetricsScrape(Http.get(managementPort(), "/observe/metrics").body());
        assertThat(metrics.find("relay_dead_letter_write_failures_total").stream()
                .mapToDouble(MetricsScrape.Series::value).sum()).isPositive();
        List<ILoggingEvent> errors = log.list.stream().filter(e -> e.getLevel() == Level.ERROR)
                .filter(e -> e.getLoggerName().endsWith("DeadLetterStore")).toList();
        // one line per kind of error (a session ended under a write, a connection refused), not one per failure
        assertThat(errors).isNotEmpty().allSatisfy(e -> assertThat(e.getFormattedMessage())
                .contains("the state database", "relay.state.jdbc-url", "RELAY_STATE_JDBC_URL", "NOT in the store"));
        assertThat(errors).extracting(e -> e.getFormattedMessage().split("RELAY_STATE_JDBC_URL\\): ")[1].split(":")[0])
                .doesNotHaveDuplicates();

        databaseAcceptsConnections(true);
        // the pool retries with a backoff of up to 5 s
        await().atMost(Duration.ofSeconds(30)).until(() -> readiness().statusCode() == 200);
        // (its exit code would count this process's earlier failures too: a real --once is a new process)
        runOnce();
        assertThat(webhooks().delivered()).containsExactlyInAnyOrderElementsOf(payload.keys(SOURCE));
        assertThat(csv().delivered()).containsExactlyInAnyOrderElementsOf(payload.keys(SOURCE));
        assertThat(store().list()).isEmpty();
    }

    /**
     * A database that hangs (here: a lock held on the table, which the store's probe and count
     * wait for) must not hang readiness and metrics with it: an orchestrator's probe and a
     * Prometheus scrape (here: 10 s) get an answer, readiness DOWN, until the database answers again.
     */
    @Test
    void aHangingDatabaseLeavesReadinessAndMetricsAnswering() throws Exception {
        assertThat(readiness().statusCode()).isEqualTo(200);
        try (Connection locker = DriverManager.getConnection(database(), TestPostgres.USER, "");
                Statement lock = locker.createStatement()) {
            locker.setAutoCommit(false);
            lock.execute("LOCK TABLE relay_dead_letter IN ACCESS EXCLUSIVE MODE");

            assertThat(readiness().statusCode()).isEqualTo(503);
            assertThat(Http.get(managementPort(), "/observe/health?exposureLevel=full").body())
                    .contains("relay-dead-letter-store", "the state database did not answer within");
            MetricsScrape metrics = new MetricsScrape(Http.get(managementPort(), "/observe/metrics").body());
            assertThat(metrics.value("relay_ready")).hasValue(0);
            locker.rollback();
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> readiness().statusCode() == 200);
    }

    /**
     * A record that fails the same way in every cycle is one row, counted; another record failing
     * the same way is another row; the poll failing for another reason is another row. The row
     * replayed by another replica with the mapping fixed is sent once and removed; the same
     * failure afterwards (replica A still has the old mapping) is a new row.
     */
    @Test
    void aFailureRepeatedOverCyclesIsOneRowCounted() throws Exception {
        String unmappable = FIXTURE_CONNECTIONS.get(1);
        upstreamAnswers(okJson(withStatus("SUSPENDED", unmappable)));
        for (int cycle = 0; cycle < 3; cycle++) {
            assertThat(runOnce()).isEqualTo(1);
        }
        assertThat(text("SELECT count(*) || ' ' || min(occurrences) || ' ' || min(attempts) FROM relay_dead_letter"))
                .isEqualTo("1 3 3");
        String first = text("SELECT id FROM relay_dead_letter");
        String fingerprint = text("SELECT fingerprint FROM relay_dead_letter");
        assertThat(rows("relay_dead_letter_payload")).as("one payload").isOne();
        MetricsScrape metrics = new MetricsScrape(Http.get(managementPort(), "/observe/metrics").body());
        assertThat(metrics.value("relay_dead_letter_entries")).hasValue(1);
        assertThat(metrics.value("relay_dead_letters_total", "stage", "normalize")).hasValue(3);

        crux.resetAll();
        upstreamAnswers(okJson(withStatus("SUSPENDED", unmappable, FIXTURE_CONNECTIONS.get(2))));
        assertThat(runOnce()).isEqualTo(1);
        assertThat(text("SELECT string_agg(occurrences::text, ',' ORDER BY occurrences) FROM relay_dead_letter"))
                .as("another record failing the same way, another row").isEqualTo("1,4");

        crux.resetAll();
        upstreamAnswers(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER));
        runOnce();
        runOnce();
        crux.resetAll();
        upstreamAnswers(aResponse().withFault(Fault.EMPTY_RESPONSE));
        runOnce();
        assertThat(text("SELECT string_agg(occurrences::text, ',' ORDER BY occurrences) FROM relay_dead_letter "
                + "WHERE stage = 'poll'")).as("another reason, another row").isEqualTo("1,2");

        crux.resetAll();
        upstreamAnswers(okJson(withStatus("SUSPENDED", unmappable)));
        subscriberRecovers();
        crm.resetRequests();
        try (ChildRelay.Run replay = replica("replica-b")
                .set("relay.vendor.crux.status-mapping", "ACTIVE:ACTIVE,CONFIRMATION WAITING:PENDING,"
                        + "DEACTIVATED:INACTIVE,SUSPENDED:INACTIVE")
                .start("--replay=" + first)) {
            assertThat(replay.awaitExit(180)).as(replay.output()).isZero();
        }
        assertThat(timesSent()).as("the counted record, sent once").hasSize(1)
                .allSatisfy((id, times) -> assertThat(times).isOne());
        assertThat(webhooks().delivered()).containsExactly(SOURCE + ":" + unmappable);
        assertThat(text("SELECT count(*) FROM relay_dead_letter WHERE id = '" + first + "'")).isEqualTo("0");

        runOnce();
        assertThat(text("SELECT count(*) FROM relay_dead_letter WHERE fingerprint = '" + fingerprint + "' AND id <> '"
                + first + "' AND occurrences = 1")).as("the same failure again, a new row").isEqualTo("1");
    }

    /**
     * Repeats written at once (as replicas would) are decided by the database: one row counts
     * them all. A row a replay holds is counted too, its claim and payload left as they were.
     */
    @Test
    void repeatsAtOnceAreCountedInOneRowAndAHeldRowKeepsItsClaim() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Boolean>> writes = IntStream.range(0, 16)
                    .<Callable<Boolean>>mapToObj(i -> () -> store().write(unmappableLetter("cycle-" + i))).toList();
            for (Future<Boolean> written : threads.invokeAll(writes)) {
                assertThat(written.get()).isTrue();
            }
        } finally {
            threads.shutdownNow();
        }
        assertThat(store().list()).singleElement().satisfies(e -> assertThat(e.occurrences()).isEqualTo(16));
        assertThat(rows("relay_dead_letter_payload")).isOne();

        DeadLetterEntry held = store().claim(store().list().get(0).id()).orElseThrow();
        String payloadBefore = text("SELECT encode(bytes, 'hex') FROM relay_dead_letter_payload");
        assertThat(store().write(unmappableLetter("cycle-17"))).isTrue();
        assertThat(text("SELECT occurrences || ' ' || (claimed_by IS NOT NULL) FROM relay_dead_letter"))
                .isEqualTo("17 true");
        assertThat(text("SELECT encode(bytes, 'hex') FROM relay_dead_letter_payload")).isEqualTo(payloadBefore);

        // the replay went through, but the failure came back meanwhile: its row stays, released
        store().remove(held);
        assertThat(text("SELECT occurrences || ' ' || (claimed_by IS NOT NULL) FROM relay_dead_letter"))
                .isEqualTo("17 false");
        store().remove(store().claim(held.id()).orElseThrow());
        assertThat(rows("relay_dead_letter")).isZero();
    }

    private static DeadLetter unmappableLetter(String cycle) {
        return new DeadLetter("normalize", "normalize-crux", SOURCE, null,
                new RecordMappingException("unknown vendor status 'SUSPENDED'"), 1,
                "{\"uuid\":\"" + FIXTURE_CONNECTIONS.get(1) + "\",\"status\":\"SUSPENDED\"}",
                "direct:normalize-crux", Map.of("relayCycle", cycle), Map.of(), null, null);
    }

    /** The fault payload with these connections in a status no mapping knows. */
    private String withStatus(String status, String... connectionIds) throws Exception {
        ArrayNode connections = (ArrayNode) JSON.readTree(payload.json());
        connections.forEach(c -> {
            if (List.of(connectionIds).contains(c.path("uuid").asText())) {
                ((ObjectNode) c).put("status", status);
            }
        });
        return connections.toString();
    }

    /** Another replica, as an operator runs it elsewhere: its own folders, the shared database. */
    private ChildRelay replica(String name) {
        return ChildRelay.in(dataDir().resolve(name))
                .set("relay.cluster.enabled", "true")
                .set("relay.cluster.instance-id", name)
                .set("relay.state.jdbc-url", database())
                .set("relay.state.username", TestPostgres.USER)
                .set("relay.sources", SOURCE)
                .set("relay.source." + SOURCE + ".vendor", "crux")
                .set("relay.source." + SOURCE + ".base-url", crux.baseUrl())
                .set("relay.source." + SOURCE + ".token", "fixed-token-123")
                .set("relay.routing.active", "csv,webhook")
                .set("relay.routing.pending", "csv,webhook")
                .set("relay.routing.inactive", "csv,webhook")
                .set("relay.webhook.subscribers", "crm-a")
                .set("relay.webhook.subscriber.crm-a.url", crm.baseUrl() + HOOKS)
                .set("relay.webhook.subscriber.crm-a.secret", SECRET);
    }

    private DeadLetterStore store() {
        return context.getRegistry().lookupByNameAndType("deadLetterStore", DeadLetterStore.class);
    }

    private static Map<String, Long> timesSent() {
        return webhooks().received().stream()
                .collect(Collectors.groupingBy(WebhookLog.Received::webhookId, Collectors.counting()));
    }

    private HttpResponse<String> readiness() throws Exception {
        return Http.get(managementPort(), "/observe/health/ready");
    }

    /** Like a database server going away for this database: every session ended, no new one allowed. */
    private void databaseAcceptsConnections(boolean accepts) throws Exception {
        String name = database().substring(database().lastIndexOf('/') + 1);
        try (Connection admin = DriverManager.getConnection(TestPostgres.get().jdbcUrl("postgres"), TestPostgres.USER, "");
                Statement statement = admin.createStatement()) {
            statement.execute("ALTER DATABASE " + name + " WITH ALLOW_CONNECTIONS " + accepts);
            if (!accepts) {
                statement.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + name + "'");
            }
        }
    }

    private long rows(String table) throws Exception {
        return Long.parseLong(text("SELECT count(*) FROM " + table));
    }

    private String text(String query) throws Exception {
        try (Connection connection = DriverManager.getConnection(database(), TestPostgres.USER, "");
                Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery(query)) {
            row.next();
            return row.getString(1);
        }
    }

    private static String sha256(Path file) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            for (int n = in.read(buffer); n != -1; n = in.read(buffer)) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static <T> T get(Future<T> future) {
        try {
            return future.get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
