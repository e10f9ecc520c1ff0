package io.connectionrelay.runtime;

import javax.sql.DataSource;

import org.h2.jdbcx.JdbcConnectionPool;

/**
 * The relay's durable state (digest windows, webhook delivery ledger, connection history) lives in
 * one JDBC database: an embedded H2 file by default, PostgreSQL when several instances must share
 * it (relay.state.jdbc-url=jdbc:postgresql://...).
 */
public final class StateDatabase {

    private StateDatabase() {
    }

    public static DataSource dataSource(Settings settings) {
        String url = settings.get("relay.state.jdbc-url", "jdbc:h2:file:./data/state/relay");
        String user = settings.get("relay.state.username", "relay");
        String password = settings.get("relay.state.password", "");
        if (url.startsWith("jdbc:h2:")) {
            return JdbcConnectionPool.create(url, user, password);
        }
        org.postgresql.ds.PGSimpleDataSource postgres = new org.postgresql.ds.PGSimpleDataSource();
        postgres.setURL(url);
        postgres.setUser(user);
        postgres.setPassword(password);
        return postgres;
    }
}
