package io.connectionrelay.trace;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

import io.connectionrelay.core.StateDatabase;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The trace table: one connection's history with its cycles' events, and the retention prune, on
 * each state database (H2 here, PostgreSQL in {@link TraceStoreOnPostgresTest}).
 */
class TraceStoreTest {

    static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");

    private TraceStore store;

    @BeforeEach
    void store() {
        DataSource database = database();
        StateDatabase.migrate(database);
        store = new TraceStore(database);
    }

    DataSource database() {
        JdbcDataSource database = new JdbcDataSource();
        database.setURL("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        return database;
    }

    @Test
    void aConnectionsHistoryHoldsItsCyclesEventsAndItsSourcesFailedPollsButNoOtherConnection() throws Exception {
        store.insert(List.of(
                routed(T0, "x", "c1", "csv,webhook"),
                routed(T0.plusSeconds(1), "y", "c1", "csv"),
                event(T0.plusSeconds(2), null, "crux-a", "c1", "csv", "published"),
                event(T0.plusSeconds(3), null, "crux-a", "c2", "poll", "dead-lettered"),
                event(T0.plusSeconds(4), null, "crux-a", "c3", "csv", "published"),
                event(T0.plusSeconds(5), null, "crux-b", "b1", "poll", "dead-lettered"),
                routed(T0.plusSeconds(6), "x", "c4", "webhook"),
                event(T0.plusSeconds(7), null, "crux-a", "c4", "csv", "published")));

        List<String> history = store.history("x", 100).stream()
                .map(e -> e.cycle() + " " + e.step() + " " + e.outcome()).toList();

        // c3: x was not in it; c4: x was, but not routed to csv
        assertThat(history).containsExactly("c4 route routed", "c2 poll dead-lettered", "c1 csv published",
                "c1 route routed");
        assertThat(store.history("x", 2)).hasSize(2);
        assertThat(store.history("nobody", 100)).isEmpty();
    }

    @Test
    void eventsOfOneInstantKeepTheOrderTheyWereRecordedIn() throws Exception {
        store.insert(List.of(routed(T0, "x", "c1", "csv,webhook"),
                event(T0, "x", "crux-a", "c1", "webhook", "queued"),
                event(T0, null, "crux-a", "c1", "csv", "published")));
        assertThat(store.history("x", 10)).extracting(TraceEvent::step).containsExactly("csv", "webhook", "route");
    }

    @Test
    void aChunksRouteEventsAreFoundByConnectionWhateverItsIdHolds() throws Exception {
        List<String> ids = List.of("plain", "pla", "in", "q\"uote", "back\\slash\\\"", "[\"x\",", "tab\tnew\nline",
                "ünïcødé-名前", " ", "");
        List<RoutedChunk.Routed> records = new ArrayList<>();
        for (String id : ids) {
            records.add(new RoutedChunk.Routed(id, "v-" + id, "PENDING", id.isEmpty() ? null : "ACTIVE", ""));
        }
        records.add(new RoutedChunk.Routed("x", "ACTIVE", "ACTIVE", null, "csv"));
        store.insert(List.of(new RoutedChunk(T0, "crux-a", "c1", records)));

        for (String id : ids) {
            assertThat(store.history(id, 10)).as(id).singleElement().satisfies(e -> {
                assertThat(e.connectionId()).isEqualTo(id);
                assertThat(e.cycle()).isEqualTo("c1");
                assertThat(e.outcome()).isEqualTo("not-routed");
                assertThat(e.detail()).containsEntry("vendorStatus", "v-" + id).containsEntry("status", "PENDING");
            });
        }
        assertThat(store.history("x", 10)).singleElement().satisfies(e -> assertThat(e.detail())
                .containsEntry("channels", "csv").doesNotContainKey("previousStatus"));
        assertThat(store.history("ACTIVE", 10)).isEmpty();
        assertThat(store.history("plai", 10)).isEmpty();
    }

    @Test
    void aChunkTooLongForOneRowIsSplitAndLosesNoEvent() throws Exception {
        List<RoutedChunk.Routed> records = new ArrayList<>();
        for (int i = 0; i < 3_000; i++) {
            records.add(new RoutedChunk.Routed(i + "-" + "id".repeat(60), "ACTIVE", "ACTIVE", null, "csv"));
        }
        store.insert(List.of(new RoutedChunk(T0, "crux-a", "c1", records)));
        for (int i : List.of(0, 1_499, 1_500, 2_999)) {
            assertThat(store.history(i + "-" + "id".repeat(60), 10)).hasSize(1);
        }
    }

    @Test
    void pruneDeletesWhatIsOlderThanTheCutoffInBatches() throws Exception {
        List<TraceItem> events = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            events.add(event(T0.plusSeconds(i), "x", "crux-a", "old", "poll", "polled"));
        }
        events.add(event(T0.plus(Duration.ofDays(31)), "x", "crux-a", "new", "poll", "polled"));
        store.insert(events);
        store.insert(List.of(routed(T0, "x", "old", "csv"), routed(T0.plus(Duration.ofDays(31)), "x", "new", "csv")));

        assertThat(store.prune(T0.plus(Duration.ofDays(1)), 3)).isEqualTo(11);

        assertThat(store.history("x", 100)).extracting(TraceEvent::cycle).containsExactly("new", "new");
    }

    @Test
    void aLongDetailIsCutToFitItsColumnAndStaysJson() throws Exception {
        store.insert(List.of(new TraceEvent(T0, "x", "crux-a", "c1", "webhook", "dead-lettered",
                TraceEvent.details("deadLetterId", "dl-1", "reason", "e".repeat(10_000)))));
        TraceEvent read = store.history("x", 1).get(0);
        assertThat(read.detail().get("deadLetterId")).isEqualTo("dl-1");
        assertThat((String) read.detail().get("reason")).startsWith("eee").endsWith("…").hasSizeLessThan(4000);
    }

    private static RoutedChunk routed(Instant at, String connection, String cycle, String channels) {
        return new RoutedChunk(at, "crux-a", cycle,
                List.of(new RoutedChunk.Routed(connection, "ACTIVE", "ACTIVE", null, channels)));
    }

    private static TraceEvent event(Instant at, String connection, String source, String cycle, String step,
            String outcome) {
        return new TraceEvent(at, connection, source, cycle, step, outcome, TraceEvent.details());
    }
}
