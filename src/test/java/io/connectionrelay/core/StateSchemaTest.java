package io.connectionrelay.core;

import io.connectionrelay.core.StateDatabase;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.connectionrelay.support.TestPostgres;
import org.junit.jupiter.api.Test;

/** The state database's schema comes from Flyway's migrations, on PostgreSQL and H2. */
class StateSchemaTest {

    private static final List<String> RELAY_TABLES = List.of("relay_connection_history", "relay_webhook_ledger",
            "camel_messageprocessed", "email_digest_connection", "email_digest_manager");

    /** The race that crashed a replica on CREATE TABLE IF NOT EXISTS (pg_type_typname_nsp_index). */
    @Test
    void replicasMigratingAnEmptyPostgresqlDatabaseAtOnceAllComeUp() throws Exception {
        int replicas = 3;
        String url = TestPostgres.get().newDatabase();
        List<HikariDataSource> pools = new ArrayList<>();
        ExecutorService threads = Executors.newFixedThreadPool(replicas);
        try {
            CyclicBarrier together = new CyclicBarrier(replicas);
            List<Future<?>> migrations = new ArrayList<>();
            for (int i = 0; i < replicas; i++) {
                HikariDataSource pool = pool(url, TestPostgres.USER);
                pools.add(pool);
                migrations.add(threads.submit(() -> {
                    together.await();
                    StateDatabase.migrate(pool);
                    return null;
                }));
            }
            for (Future<?> migration : migrations) {
                migration.get(60, TimeUnit.SECONDS);
            }
            try (Connection connection = pools.get(0).getConnection()) {
                assertThat(tables(connection)).containsAll(RELAY_TABLES).contains("qrtz_triggers", "qrtz_locks");
                assertThat(appliedVersions(connection)).containsExactlyElementsOf(migrations("postgresql"));
            }
        } finally {
            threads.shutdownNow();
            pools.forEach(HikariDataSource::close);
        }
    }

    /** An H2 file an earlier version made (its tables, no schema history) keeps its rows. */
    @Test
    void aDatabaseFromBeforeMigrationsIsAdoptedWithItsRows() throws Exception {
        Path folder = Files.createTempDirectory("relay-state-");
        try (HikariDataSource pool = pool("jdbc:h2:file:" + folder.resolve("relay"), "relay")) {
            try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
                statement.execute("CREATE TABLE IF NOT EXISTS relay_connection_history (source VARCHAR(200) NOT NULL, "
                        + "connection_id VARCHAR(200) NOT NULL, status VARCHAR(16) NOT NULL, previous_status VARCHAR(16), "
                        + "status_since TIMESTAMP WITH TIME ZONE NOT NULL, PRIMARY KEY (source, connection_id))");
                statement.execute("INSERT INTO relay_connection_history VALUES ('crux-a', 'c1', 'ACTIVE', NULL, "
                        + "TIMESTAMP WITH TIME ZONE '2026-11-01 00:00:00+00')");
            }
            StateDatabase.migrate(pool);
            StateDatabase.migrate(pool);
            try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement();
                    ResultSet rows = statement.executeQuery("SELECT status FROM relay_connection_history")) {
                assertThat(rows.next()).isTrue();
                assertThat(rows.getString(1)).isEqualTo("ACTIVE");
                assertThat(tables(connection)).containsAll(RELAY_TABLES);
                // version 0: the earlier database, adopted as it was
                List<String> expected = new ArrayList<>(List.of("0"));
                expected.addAll(migrations("h2"));
                assertThat(appliedVersions(connection)).containsExactlyElementsOf(expected);
            }
        }
    }

    private static HikariDataSource pool(String url, String user) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setUsername(user);
        config.setPassword("");
        config.setMaximumPoolSize(3);
        return new HikariDataSource(config);
    }

    private static List<String> tables(Connection connection) throws SQLException {
        List<String> names = new ArrayList<>();
        try (ResultSet tables = connection.getMetaData().getTables(null, null, "%", new String[] {"TABLE"})) {
            while (tables.next()) {
                names.add(tables.getString("TABLE_NAME").toLowerCase(java.util.Locale.ROOT));
            }
        }
        return names;
    }

    /** The versions of one database's migrations, in order: every one must have been applied. */
    private static List<String> migrations(String vendor) throws Exception {
        Path folder = Path.of(StateSchemaTest.class.getClassLoader().getResource("db/migration/" + vendor).toURI());
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.matches("V\\d+__.*\\.sql"))
                    .map(n -> n.substring(1, n.indexOf("__"))).sorted(Comparator.comparingInt(Integer::parseInt))
                    .toList();
        }
    }

    private static List<String> appliedVersions(Connection connection) throws SQLException {
        List<String> versions = new ArrayList<>();
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT \"version\" FROM \"flyway_schema_history\" "
                        + "WHERE \"success\" AND \"version\" IS NOT NULL ORDER BY \"installed_rank\"")) {
            while (rows.next()) {
                versions.add(rows.getString(1));
            }
        }
        return versions;
    }
}
