package io.connectionrelay.runtime;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.apache.camel.Service;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;

/**
 * The relay's durable state (digest windows, webhook delivery ledger, connection history) lives in
 * one JDBC database: an embedded H2 file by default, PostgreSQL when several instances must share
 * it (relay.state.jdbc-url=jdbc:postgresql://...). Either way through one connection pool
 * (relay.state.pool-size), since the webhook ledger and the digest store each take a connection
 * per operation; Camel closes the pool, and with it an H2 file, when the relay stops.
 * <p>
 * Its schema, every table of ours, of Camel's repositories and of Quartz's job store, is Flyway's
 * (src/main/resources/db/migration/{h2,postgresql}), migrated here before anything else opens a
 * connection. One folder per database, since types differ (BYTEA and BLOB) and Quartz's job store
 * is only needed where replicas share a PostgreSQL database. Flyway takes a lock on the database while it migrates, so replicas starting together
 * on an empty database take turns instead of racing each other's CREATE TABLE.
 */
public final class StateDatabase implements Service {

    private final HikariDataSource pool;

    public StateDatabase(Settings settings) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("relay-state");
        config.setJdbcUrl(settings.get("relay.state.jdbc-url", "jdbc:h2:file:./data/state/relay"));
        config.setUsername(settings.get("relay.state.username", "relay"));
        config.setPassword(settings.get("relay.state.password", ""));
        config.setMaximumPoolSize(settings.getInt("relay.state.pool-size", 10));
        config.setConnectionTimeout(settings.getDuration("relay.state.connection-timeout",
                java.time.Duration.ofSeconds(30)).toMillis());
        try {
            pool = new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw new IllegalStateException("Cannot open the state database " + config.getJdbcUrl()
                    + " (relay.state.jdbc-url, environment variable RELAY_STATE_JDBC_URL): " + e.getMessage(), e);
        }
        try {
            migrate(pool);
        } catch (FlywayException e) {
            pool.close();
            throw new IllegalStateException("Cannot bring the state database " + config.getJdbcUrl()
                    + " (relay.state.jdbc-url, environment variable RELAY_STATE_JDBC_URL) to this version's schema: "
                    + e.getMessage(), e);
        }
    }

    /**
     * A database an earlier version of the relay made (its tables, no schema history) is taken as
     * version 0, and V1's IF NOT EXISTS leaves its tables as they are.
     */
    public static void migrate(DataSource database) {
        Flyway.configure()
                .dataSource(database)
                .locations("classpath:db/migration/" + vendor(database))
                .baselineOnMigrate(true)
                .baselineVersion("0")
                .load()
                .migrate();
    }

    /** h2 or postgresql: the folder of that database's migrations. */
    static String vendor(DataSource database) {
        String product;
        try (Connection connection = database.getConnection()) {
            product = connection.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
        } catch (SQLException e) {
            throw new FlywayException("cannot connect: " + e.getMessage(), e);
        }
        if (product.contains("postgres")) {
            return "postgresql";
        }
        if (product.contains("h2")) {
            return "h2";
        }
        throw new FlywayException(product + " is not supported; use H2 or PostgreSQL");
    }

    public DataSource dataSource() {
        return pool;
    }

    @Override
    public void start() {
        // the pool opened in the constructor: beans bound before the context starts need it
    }

    @Override
    public void stop() {
        pool.close();
    }
}
