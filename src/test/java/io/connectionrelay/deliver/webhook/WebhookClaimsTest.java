package io.connectionrelay.deliver.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.connectionrelay.cluster.ClaimOwner;
import io.connectionrelay.core.StateDatabase;
import io.connectionrelay.support.TestPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two replicas that see the same change (or two different states of one connection) at once: the
 * ledger lets exactly one of them send an event, on a real PostgreSQL.
 */
class WebhookClaimsTest {

    static final String SCHEDULER = "connection-relay";
    static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");
    static final Duration IN_FLIGHT = Duration.ofMinutes(15);

    HikariDataSource database;

    @BeforeEach
    void database() {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(TestPostgres.get().newDatabase());
        config.setUsername(TestPostgres.USER);
        config.setMaximumPoolSize(12);
        database = new HikariDataSource(config);
        StateDatabase.migrate(database);
    }

    @AfterEach
    void close() {
        database.close();
    }

    WebhookLedger replica(String id) {
        return new WebhookLedger(database, new ClaimOwner(id, true, IN_FLIGHT, SCHEDULER, Duration.ofSeconds(10)));
    }

    @Test
    void ofReplicasClaimingOneConnectionAtOnceExactlyOneSendsAnEvent() throws Exception {
        int replicas = 8;
        for (String id : List.of("r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7")) {
            checkIn(id, System.currentTimeMillis());
        }
        ExecutorService threads = Executors.newFixedThreadPool(replicas);
        try {
            CyclicBarrier together = new CyclicBarrier(replicas);
            List<Future<Boolean>> claims = new ArrayList<>();
            for (int i = 0; i < replicas; i++) {
                WebhookLedger ledger = replica("r" + i);
                // half saw the connection ACTIVE, half INACTIVE: each would have made a different created event
                String event = i % 2 == 0 ? "msg_active" : "msg_inactive";
                claims.add(threads.submit(() -> {
                    together.await();
                    return ledger.claim("crm", "crux-a/c1", null, event, NOW);
                }));
            }
            int won = 0;
            for (Future<Boolean> claim : claims) {
                won += claim.get(30, TimeUnit.SECONDS) ? 1 : 0;
            }
            assertThat(won).isEqualTo(1);
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void aClaimLapsesWhenItsReplicaStopsCheckingInAndEndsWithTheAcknowledgement() throws Exception {
        WebhookLedger a = replica("a");
        WebhookLedger b = replica("b");
        checkIn("a", System.currentTimeMillis());
        checkIn("b", System.currentTimeMillis());

        assertThat(a.claim("crm", "crux-a/c1", null, "msg_1", NOW)).isTrue();
        assertThat(b.claim("crm", "crux-a/c1", null, "msg_1", NOW)).as("a is alive: its claim holds").isFalse();

        checkIn("a", System.currentTimeMillis() - Duration.ofMinutes(1).toMillis());
        assertThat(b.claim("crm", "crux-a/c1", null, "msg_1", NOW)).as("a stopped checking in").isTrue();

        b.delivered("crm", "crux-a/c1", "ACTIVE", "fp1", "msg_1", NOW);
        assertThat(a.lookup("crux-a/c1")).containsKey("crm");
        assertThat(b.claim("crm", "crux-a/c1", null, "msg_x", NOW))
                .as("a claim from a basis the ledger has moved past").isFalse();
        assertThat(a.claim("crm", "crux-a/c1", "msg_1", "msg_2", NOW)).as("the next change, after the 2xx").isTrue();
    }

    @Test
    void aClaimNobodyAcknowledgesLapsesAfterTheInFlightTimeout() throws Exception {
        checkIn("a", System.currentTimeMillis());
        checkIn("b", System.currentTimeMillis());
        assertThat(replica("a").claim("crm", "crux-a/c1", null, "msg_1", NOW)).isTrue();
        assertThat(replica("b").claim("crm", "crux-a/c1", null, "msg_1", NOW.plus(IN_FLIGHT).minusSeconds(1))).isFalse();
        assertThat(replica("b").claim("crm", "crux-a/c1", null, "msg_1", NOW.plus(IN_FLIGHT).plusSeconds(1))).isTrue();
    }

    private void checkIn(String instance, long at) throws Exception {
        try (Connection connection = database.getConnection();
                PreparedStatement upsert = connection.prepareStatement("INSERT INTO qrtz_scheduler_state "
                        + "(sched_name, instance_name, last_checkin_time, checkin_interval) VALUES (?, ?, ?, 5000) "
                        + "ON CONFLICT (sched_name, instance_name) DO UPDATE SET last_checkin_time = EXCLUDED.last_checkin_time")) {
            upsert.setString(1, SCHEDULER);
            upsert.setString(2, instance);
            upsert.setLong(3, at);
            upsert.executeUpdate();
        }
    }
}
