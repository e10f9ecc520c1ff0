package io.connectionrelay.core;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.apache.camel.Service;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay's durable state (digest windows, webhook delivery ledger, the trace; the connection
 * history too, unless it is an embedded H2 file, see enrich/LocalConnectionHistory) lives in one
 * JDBC database: an embedded H2 file by default, PostgreSQL when several instances must share
 * it (relay.state.jdbc-url=jdbc:postgresql://...). Either way through one connection pool
 * (relay.state.pool-size), since the webhook ledger and the digest store each take a connection
 * per operation; Camel closes the pool, and with it an H2 file, when the relay stops.
 * <p>
 * An embedded H2 URL is made safe for crashes and stops unless it says otherwise:
 * <ul>
 *   <li>{@code WRITE_DELAY=0}: H2 otherwise writes a commit up to 500 ms later, so a crash (kill -9)
 *       lost the webhook ledger's last 2xx and the restarted relay sent those events again;</li>
 *   <li>the {@code async:} file system instead of {@code file:}: with commits written by the
 *       committing thread, a thread that Camel interrupts at a forced stop would otherwise close
 *       the database for everyone (FileChannel closes on interrupt), and a 2xx recorded at that
 *       moment was lost;</li>
 *   <li>{@code DB_CLOSE_ON_EXIT=FALSE}: H2 otherwise closes the database from its own JVM shutdown
 *       hook the moment a SIGTERM arrives, while Camel still gives the running cycle
 *       camel.main.shutdown-timeout to finish, and every record of that grace period failed with
 *       "Database is already closed" and was dead-lettered. The pool closes it after the routes.</li>
 * </ul>
 * <p>
 * Its schema, every table of ours, of Camel's repositories and of Quartz's job store, is Flyway's
 * (src/main/resources/db/migration/{h2,postgresql}), migrated here before anything else opens a
 * connection. One folder per database, since types differ (BYTEA and BLOB) and Quartz's job store
 * is only needed where replicas share a PostgreSQL database. Flyway takes a lock on the database
 * while it migrates, so replicas starting together on an empty database take turns instead of
 * racing each other's CREATE TABLE.
 */
public final class StateDatabase implements Service {

    private static final Logger LOG = LoggerFactory.getLogger(StateDatabase.class);

    static {
        // H2 keeps every string it is given in a soft cache of 1,024, whatever its length: the
        // trace's chunk rows (up to 200,000 characters each) made it hold ~35 MB of heap that a full
        // collection leaves in place. Before any H2 class reads it; -Dh2.objectCache=true restores it.
        System.getProperties().putIfAbsent("h2.objectCache", "false");
    }
    private static final String URL_KEY = "relay.state.jdbc-url";
    /** The advisory lock replicas take turns on while they migrate ("relay" in ASCII). */
    private static final long MIGRATION_LOCK = 0x72656c6179L;
    /** H2's file systems that keep a database in a local file (memFS:, zip:, tcp: and the like do not). */
    private static final Pattern LOCAL_FILE_SYSTEM = Pattern.compile("(?i)^(file|async|nio|niomapped|split|retry):");
    private static final Pattern AUTO_SERVER = Pattern.compile("(?i);\\s*AUTO_SERVER\\s*=\\s*TRUE");

    private final HikariDataSource pool;

    public StateDatabase(Settings settings, SecretMasker masker) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("relay-state");
        config.setJdbcUrl(durable(settings.getString(URL_KEY)));
        config.setUsername(settings.getString("relay.state.username"));
        config.setPassword(settings.getString("relay.state.password"));
        config.setMaximumPoolSize(settings.getInt("relay.state.pool-size"));
        config.setConnectionTimeout(settings.getDuration("relay.state.connection-timeout").toMillis());
        try {
            pool = new HikariDataSource(config);
        } catch (RuntimeException e) {
            // the URL may carry a password (?password=, user:password@, ;PASSWORD=) and so may the driver's message
            throw new ConfigurationException(masker.mask("Cannot open the state database " + config.getJdbcUrl()
                    + " (" + URL_KEY + ", environment variable " + Settings.envName(URL_KEY) + "): "
                    + e.getMessage()), e);
        }
        try {
            migrate(pool);
        } catch (FlywayException e) {
            pool.close();
            throw new IllegalStateException(masker.mask("Cannot bring the state database " + config.getJdbcUrl()
                    + " (" + URL_KEY + ", environment variable " + Settings.envName(URL_KEY)
                    + ") to this version's schema: " + e.getMessage()), e);
        }
    }

    /**
     * A database an earlier version of the relay made (its tables, no schema history) is taken as
     * version 0, and V1's IF NOT EXISTS leaves its tables as they are.
     * <p>
     * On PostgreSQL the whole migration runs under one session lock: Flyway locks while it applies
     * migrations, but decides whether to create and baseline its history table before that, so
     * of two replicas starting together on an empty database the second could find the table
     * created, still empty, and refuse to start.
     */
    public static void migrate(DataSource database) {
        String vendor = vendor(database);
        Flyway flyway = Flyway.configure()
                .dataSource(database)
                .locations("classpath:db/migration/" + vendor)
                .baselineOnMigrate(true)
                .baselineVersion("0")
                .load();
        if (!vendor.equals("postgresql")) {
            flyway.migrate();
            return;
        }
        try (Connection lock = database.getConnection(); Statement statement = lock.createStatement()) {
            statement.execute("SELECT pg_advisory_lock(" + MIGRATION_LOCK + ")");
            try {
                flyway.migrate();
            } finally {
                statement.execute("SELECT pg_advisory_unlock(" + MIGRATION_LOCK + ")");
            }
        } catch (SQLException e) {
            throw new FlywayException("cannot take the migration lock: " + e.getMessage(), e);
        }
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

    /** The URL with H2's durability options added where it does not set them (see the class comment). */
    static String durable(String url) {
        if (!url.toLowerCase(Locale.ROOT).startsWith("jdbc:h2:")) {
            return url;
        }
        String location = url.substring("jdbc:h2:".length());
        String durable = location.startsWith("file:") ? "jdbc:h2:async:" + location.substring("file:".length())
                : location.startsWith(".") || location.startsWith("/") || location.startsWith("~")
                        ? "jdbc:h2:async:" + location
                        : url;
        if (!hasOption(url, "WRITE_DELAY")) {
            durable += ";WRITE_DELAY=0";
        } else if (!Pattern.compile("(?i);\\s*WRITE_DELAY\\s*=\\s*0\\s*(;|$)").matcher(url).find()) {
            LOG.warn("{} sets H2's WRITE_DELAY: commits made within that delay before a crash are lost, and the "
                    + "restarted relay sends those webhooks again. Leave it out (the relay then uses 0).", URL_KEY);
        }
        if (!hasOption(url, "DB_CLOSE_ON_EXIT")) {
            durable += ";DB_CLOSE_ON_EXIT=FALSE";
        }
        return durable;
    }

    /**
     * The file of an embedded H2 database (jdbc:h2:file:PATH, jdbc:h2:PATH, or a file system
     * prefix such as async: or nio: before the path), which no other process opens; empty for an
     * in-memory database, an H2 server, a database opened with AUTO_SERVER (other processes join
     * it), or PostgreSQL.
     */
    public static Optional<Path> embeddedFile(String url) {
        if (!url.toLowerCase(Locale.ROOT).startsWith("jdbc:h2:") || AUTO_SERVER.matcher(url).find()) {
            return Optional.empty();
        }
        String location = url.substring("jdbc:h2:".length()).split(";", 2)[0];
        for (Matcher prefix = LOCAL_FILE_SYSTEM.matcher(location); prefix.find();
                prefix = LOCAL_FILE_SYSTEM.matcher(location)) {
            location = location.substring(prefix.end());
        }
        if (!(location.startsWith(".") || location.startsWith("/") || location.startsWith("~"))) {
            return Optional.empty();
        }
        return Optional.of(location.startsWith("~") ? Path.of(System.getProperty("user.home") + location.substring(1))
                : Path.of(location));
    }

    private static boolean hasOption(String url, String option) {
        return Pattern.compile("(?i);\\s*" + option + "\\s*=").matcher(url).find();
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
