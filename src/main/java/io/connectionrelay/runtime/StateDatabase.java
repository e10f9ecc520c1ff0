package io.connectionrelay.runtime;

import java.time.Duration;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.apache.camel.Service;

/**
 * The relay's durable state (digest windows, webhook delivery ledger, connection history) lives in
 * one JDBC database: an embedded H2 file by default, PostgreSQL when several instances must share
 * it (relay.state.jdbc-url=jdbc:postgresql://...). Either way through one connection pool
 * (relay.state.pool-size), since the webhook ledger and the digest store each take a connection
 * per operation; Camel closes the pool, and with it an H2 file, when the relay stops.
 */
public final class StateDatabase implements Service {

    private static final String URL_KEY = "relay.state.jdbc-url";

    private final HikariDataSource pool;

    public StateDatabase(Settings settings, SecretMasker masker) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("relay-state");
        config.setJdbcUrl(settings.get(URL_KEY, "jdbc:h2:file:./data/state/relay"));
        config.setUsername(settings.get("relay.state.username", "relay"));
        config.setPassword(settings.get("relay.state.password", ""));
        config.setMaximumPoolSize(settings.getInt("relay.state.pool-size", 10));
        config.setConnectionTimeout(settings.getDuration("relay.state.connection-timeout",
                Duration.ofSeconds(30)).toMillis());
        try {
            pool = new HikariDataSource(config);
        } catch (RuntimeException e) {
            // the URL may carry a password (?password=, user:password@, ;PASSWORD=) and so may the driver's message
            throw new ConfigurationException(masker.mask("Cannot open the state database " + config.getJdbcUrl()
                    + " (" + URL_KEY + ", environment variable " + Settings.envName(URL_KEY) + "): "
                    + e.getMessage()), e);
        }
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
