package io.connectionrelay.deadletter;

import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;

import javax.sql.DataSource;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.connectionrelay.core.ConfigurationException;
import io.connectionrelay.core.DeadLetter;
import io.connectionrelay.core.SecretMasker;
import io.connectionrelay.core.Settings;
import io.connectionrelay.ops.RelayMetrics;
import io.connectionrelay.record.RecordJson;
import org.apache.camel.CamelContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dead-letter store of replicas in cluster mode: tables relay_dead_letter (one row per entry,
 * the fields of {@link DeadLetterEntry}) and relay_dead_letter_payload (the payload in parts) in
 * the PostgreSQL state database they share, so every replica writes there and --dead-letters and
 * --replay see every entry from any of them. Secrets are masked before anything is written, as in
 * the folder. An entry and its payload are written in one transaction: a reader never sees half
 * of one, and a write that fails leaves nothing behind. A failure that happens again
 * ({@link FailureFingerprint}) counts in its entry instead of adding one: a unique index on the
 * fingerprint makes the database decide, with INSERT ... ON CONFLICT DO UPDATE.
 * <p>
 * A replay claims an entry with one conditional UPDATE ... RETURNING: of two replays (two
 * processes, two hosts) exactly one gets it. A claim lapses after
 * relay.dead-letter.stale-claim-after, measured by the database's clock, so a replay that died
 * holding one does not hide it for ever.
 * <p>
 * Readiness and every metrics scrape ask the database whether dead letters can be written and how
 * many there are. While it is down the pool would keep them waiting its connection timeout
 * (relay.state.connection-timeout, 30 s), longer than a probe or a scrape waits, so they get an
 * answer within {@link #ANSWER_WITHIN}: one question of each kind is in flight at a time, and a
 * caller that finds it unanswered after that long is told the database did not answer.
 */
public class DeadLetterTable implements DeadLetterStore {

    static final String URL_KEY = "relay.state.jdbc-url";

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterTable.class);
    private static final String COLUMNS = "id, failed_at, first_failed_at, stage, step, source, channel, attempts, "
            + "replays, occurrences, error, http_status, response_body, replay_uri, properties, headers, payload_bytes, "
            + "fingerprint";
    private static final TypeReference<Map<String, String>> TEXT_MAP = new TypeReference<>() {
    };
    private static final Duration ANSWER_WITHIN = Duration.ofSeconds(2);

    private final DataSource database;
    private final SecretMasker masker;
    private final Duration staleClaimAfter;
    /** This process's name on its claims: the replica's, plus a random part, since two commands may share it. */
    private final String claimant;
    private final Clock clock = Clock.systemUTC();
    private final ObjectMapper json = RecordJson.newMapper();
    private final DeadLetterWrites writes;
    private final ExecutorService questions = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "relay-dead-letter-check");
        thread.setDaemon(true);
        return thread;
    });
    private final AtomicReference<Future<Optional<String>>> probing = new AtomicReference<>();
    private final AtomicReference<Future<Long>> counting = new AtomicReference<>();

    public DeadLetterTable(CamelContext context, Settings settings, DataSource database, String instanceId,
            RelayMetrics metrics, SecretMasker masker) {
        this.database = database;
        this.masker = masker;
        this.staleClaimAfter = settings.getDuration(DeadLetterFolder.STALE_CLAIM_KEY);
        this.claimant = instanceId + "#" + UUID.randomUUID().toString().substring(0, 8);
        this.writes = new DeadLetterWrites(context, metrics, masker, location(), URL_KEY);
    }

    @Override
    public String location() {
        return "the state database (table relay_dead_letter)";
    }

    @Override
    public void requireWritable() {
        probe().ifPresent(problem -> {
            throw new ConfigurationException("The dead-letter store cannot be written (" + URL_KEY
                    + ", environment variable " + Settings.envName(URL_KEY) + "): " + problem);
        });
    }

    @Override
    public Optional<String> writeProblem() {
        Optional<String> failure = writes.takeFailure();
        Optional<String> now;
        try {
            now = answered(probing, this::probe);
        } catch (IOException e) {
            now = Optional.of("cannot write to " + location() + ": " + e.getMessage());
        }
        return now.or(() -> failure).map(why -> why + " (" + URL_KEY + ")");
    }

    /** A write that changes nothing: fails when the database is unreachable, read-only, or the table is missing. */
    private Optional<String> probe() {
        try (Connection connection = database.getConnection();
                Statement statement = connection.createStatement()) {
            statement.executeUpdate("UPDATE relay_dead_letter SET claimed_by = claimed_by WHERE 1 = 0");
            return Optional.empty();
        } catch (SQLException | RuntimeException e) {
            return Optional.of("cannot write to " + location() + ": " + masker.mask(DeadLetterWrites.describe(e)));
        }
    }

    @Override
    public boolean write(DeadLetter letter) {
        return writes.write(letter, this::store);
    }

    @Override
    public void onStored(BiConsumer<DeadLetter, DeadLetterEntry> listener) {
        writes.onStored(listener);
    }

    /**
     * The payload's parts first, then the entry row (the parts' reference to it is checked at
     * commit): the row carries the payload's size and hash, known once it is written.
     */
    private DeadLetterEntry store(DeadLetter letter) throws SQLException, IOException {
        try (Connection connection = database.getConnection()) {
            connection.setAutoCommit(false);
            try {
                DeadLetterEntry replayed = sameStepReplay(connection, letter);
                Instant now = clock.instant();
                String id = replayed != null ? replayed.id() : DeadLetterEntry.newId(now, letter.stage());
                if (replayed != null) {
                    deletePayload(connection, id);
                }
                long bytes;
                byte[] sha256;
                try (PayloadParts.Writer parts = PayloadParts.writer(connection, id)) {
                    sha256 = MaskedPayload.copy(letter.payload(), parts, masker);
                    parts.close();
                    bytes = parts.bytes();
                }
                DeadLetterEntry entry = DeadLetterEntry.of(id, letter, replayed, now, bytes, sha256, masker);
                if (replayed != null) {
                    update(connection, entry);
                } else {
                    entry = insertOrCount(connection, entry);
                    if (!entry.id().equals(id)) {
                        // the failure's entry keeps its payload, the same bytes
                        deletePayload(connection, id);
                    }
                }
                connection.commit();
                return entry;
            } catch (SQLException | IOException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        }
    }

    private static void deletePayload(Connection connection, String id) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement(
                "DELETE FROM relay_dead_letter_payload WHERE entry_id = ?")) {
            delete.setString(1, id);
            delete.executeUpdate();
        }
    }

    /** The entry this letter's replay came from, locked, when it failed again at the step it was replayed into. */
    private DeadLetterEntry sameStepReplay(Connection connection, DeadLetter letter) throws SQLException, IOException {
        if (letter.replayOf() == null) {
            return null;
        }
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT " + COLUMNS + " FROM relay_dead_letter WHERE id = ? FOR UPDATE")) {
            select.setString(1, letter.replayOf());
            try (ResultSet row = select.executeQuery()) {
                DeadLetterEntry entry = row.next() ? entry(row) : null;
                return DeadLetterEntry.isSameStepReplay(entry, letter) ? entry : null;
            }
        }
    }

    /**
     * The new entry; or, when its failure has an entry already (the same fingerprint, decided by
     * the unique index, so of two repeats at once on two replicas one inserts and the other
     * counts), that entry, counted as {@link DeadLetterEntry#seenAgain} does. A row a replay
     * holds is counted too: its claim and payload are left as they are, and the replay's own
     * update or removal comes after this one.
     */
    private DeadLetterEntry insertOrCount(Connection connection, DeadLetterEntry entry)
            throws SQLException, IOException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO relay_dead_letter (" + COLUMNS
                + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                + "ON CONFLICT (fingerprint) DO UPDATE SET failed_at = EXCLUDED.failed_at, "
                + "attempts = relay_dead_letter.attempts + EXCLUDED.attempts, "
                + "occurrences = relay_dead_letter.occurrences + 1, error = EXCLUDED.error, "
                + "response_body = EXCLUDED.response_body, properties = EXCLUDED.properties, "
                + "headers = EXCLUDED.headers "
                + "RETURNING " + COLUMNS)) {
            insert.setString(1, entry.id());
            bindFields(insert, 2, entry);
            try (ResultSet row = insert.executeQuery()) {
                row.next();
                return entry(row);
            }
        }
    }

    /** A replay that failed again: the row its replay holds, so the claim stays as it is. */
    private void update(Connection connection, DeadLetterEntry entry) throws SQLException, IOException {
        try (PreparedStatement update = connection.prepareStatement("UPDATE relay_dead_letter SET failed_at = ?, "
                + "first_failed_at = ?, stage = ?, step = ?, source = ?, channel = ?, attempts = ?, replays = ?, "
                + "occurrences = ?, error = ?, http_status = ?, response_body = ?, replay_uri = ?, properties = ?, "
                + "headers = ?, payload_bytes = ?, fingerprint = ? WHERE id = ?")) {
            int next = bindFields(update, 1, entry);
            update.setString(next, entry.id());
            update.executeUpdate();
        }
    }

    /** Binds every field but the id from {@code index}; returns the next index. */
    private int bindFields(PreparedStatement statement, int index, DeadLetterEntry entry)
            throws SQLException, IOException {
        int i = index;
        statement.setTimestamp(i++, Timestamp.from(entry.failedAt()));
        statement.setTimestamp(i++, Timestamp.from(entry.firstFailedAt()));
        statement.setString(i++, entry.stage());
        statement.setString(i++, entry.step());
        statement.setString(i++, entry.source());
        statement.setString(i++, entry.channel());
        statement.setInt(i++, entry.attempts());
        statement.setInt(i++, entry.replays());
        statement.setInt(i++, entry.occurrences());
        statement.setString(i++, entry.error());
        if (entry.httpStatus() == null) {
            statement.setNull(i++, Types.INTEGER);
        } else {
            statement.setInt(i++, entry.httpStatus());
        }
        statement.setString(i++, entry.responseBody());
        statement.setString(i++, entry.replayUri());
        statement.setString(i++, json.writeValueAsString(entry.properties()));
        statement.setString(i++, json.writeValueAsString(entry.headers()));
        statement.setLong(i++, entry.payloadBytes());
        statement.setString(i++, entry.fingerprint());
        return i;
    }

    @Override
    public List<DeadLetterEntry> list() throws IOException {
        try (Connection connection = database.getConnection();
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT " + COLUMNS + " FROM relay_dead_letter ORDER BY id")) {
            List<DeadLetterEntry> entries = new ArrayList<>();
            while (rows.next()) {
                entries.add(entry(rows));
            }
            return entries;
        } catch (SQLException e) {
            throw failed("list", e);
        }
    }

    @Override
    public long count() throws IOException {
        return answered(counting, this::countNow);
    }

    private long countNow() throws IOException {
        try (Connection connection = database.getConnection();
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT count(*) FROM relay_dead_letter")) {
            rows.next();
            return rows.getLong(1);
        } catch (SQLException e) {
            throw failed("count", e);
        }
    }

    /**
     * One statement: the row is taken only when nobody holds it or its claim is stale. The
     * sub-select locks the row and reads who held it before, for the log; a concurrent claim waits
     * for that lock, then finds the row held and takes nothing.
     */
    @Override
    public Optional<DeadLetterEntry> claim(String id) throws IOException {
        try (Connection connection = database.getConnection();
                PreparedStatement claim = connection.prepareStatement("UPDATE relay_dead_letter d "
                        + "SET claimed_by = ?, claimed_at = CURRENT_TIMESTAMP "
                        + "FROM (SELECT id, claimed_by, claimed_at FROM relay_dead_letter WHERE id = ? FOR UPDATE) held "
                        + "WHERE d.id = held.id AND (d.claimed_by IS NULL "
                        + "OR d.claimed_at < CURRENT_TIMESTAMP - ? * INTERVAL '1 millisecond') "
                        + "RETURNING " + prefixed("d.") + ", held.claimed_by, held.claimed_at")) {
            claim.setString(1, claimant);
            claim.setString(2, id);
            claim.setLong(3, staleClaimAfter.toMillis());
            try (ResultSet row = claim.executeQuery()) {
                if (!row.next()) {
                    return Optional.empty();
                }
                DeadLetterEntry entry = entry(row);
                String before = row.getString("claimed_by");
                if (before != null) {
                    LOG.warn("Took over dead-letter entry {} from a replay that held it since {} ({}), longer than {} "
                            + "({}): check that it was not replayed twice", id, row.getTimestamp("claimed_at")
                            .toInstant(), before, DeadLetterFolder.STALE_CLAIM_KEY, staleClaimAfter);
                }
                return Optional.of(entry);
            }
        } catch (SQLException e) {
            throw failed("claim " + id + " in", e);
        }
    }

    @Override
    public void release(DeadLetterEntry entry) throws IOException {
        try (Connection connection = database.getConnection();
                PreparedStatement release = connection.prepareStatement("UPDATE relay_dead_letter "
                        + "SET claimed_by = NULL, claimed_at = NULL WHERE id = ? AND claimed_by = ?")) {
            release.setString(1, entry.id());
            release.setString(2, claimant);
            if (release.executeUpdate() == 0) {
                lostClaim(entry);
            }
        } catch (SQLException e) {
            throw failed("release " + entry.id() + " in", e);
        }
    }

    /**
     * Removes the entry a replay holds and delivered; unless the same failure happened again
     * while it was held (insertOrCount counted it in the row): then the row stays, released, for
     * that failure, as the folder store keeps such a repeat in an entry of its own.
     */
    @Override
    public void remove(DeadLetterEntry entry) throws IOException {
        try (Connection connection = database.getConnection();
                PreparedStatement delete = connection.prepareStatement(
                        "DELETE FROM relay_dead_letter WHERE id = ? AND claimed_by = ? AND occurrences = ?")) {
            delete.setString(1, entry.id());
            delete.setString(2, claimant);
            delete.setInt(3, entry.occurrences());
            if (delete.executeUpdate() == 0) {
                release(entry);
            }
        } catch (SQLException e) {
            throw failed("remove " + entry.id() + " from", e);
        }
    }

    private void lostClaim(DeadLetterEntry entry) {
        LOG.warn("Dead-letter entry {} was taken from this replay as a stale claim (held longer than {}) or removed: "
                + "check that it was not replayed twice", entry.id(), staleClaimAfter);
    }

    @Override
    public InputStream openPayload(DeadLetterEntry entry) throws IOException {
        try {
            return PayloadParts.reader(database, entry.id());
        } catch (SQLException e) {
            throw failed("read the payload of " + entry.id() + " from", e);
        }
    }

    @Override
    public boolean replayFailed(String id) {
        return writes.replayFailed(id);
    }

    /** The answer to a question in flight (asked now if none is), or why there is none within {@link #ANSWER_WITHIN}. */
    private <T> T answered(AtomicReference<Future<T>> inFlight, Callable<T> question) throws IOException {
        Future<T> answer;
        synchronized (inFlight) {
            answer = inFlight.get();
            if (answer == null || answer.isDone()) {
                answer = questions.submit(question);
                inFlight.set(answer);
            }
        }
        try {
            return answer.get(ANSWER_WITHIN.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new IOException("the state database did not answer within " + ANSWER_WITHIN.toSeconds() + " s");
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while asking the state database", e);
        }
    }

    private DeadLetterEntry entry(ResultSet row) throws SQLException, IOException {
        Object status = row.getObject("http_status");
        return new DeadLetterEntry(
                row.getString("id"),
                row.getTimestamp("failed_at").toInstant(),
                row.getTimestamp("first_failed_at").toInstant(),
                row.getString("stage"),
                row.getString("step"),
                row.getString("source"),
                row.getString("channel"),
                row.getInt("attempts"),
                row.getInt("replays"),
                row.getInt("occurrences"),
                row.getString("error"),
                status == null ? null : ((Number) status).intValue(),
                row.getString("response_body"),
                row.getString("replay_uri"),
                json.readValue(row.getString("properties"), TEXT_MAP),
                json.readValue(row.getString("headers"), TEXT_MAP),
                row.getLong("payload_bytes"),
                row.getString("fingerprint"));
    }

    private static String prefixed(String alias) {
        return alias + COLUMNS.replace(", ", ", " + alias);
    }

    private IOException failed(String what, SQLException e) {
        return new IOException("cannot " + what + " " + location() + ": " + masker.mask(e.getMessage()), e);
    }
}
