package io.connectionrelay.deliver.email;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;

import javax.sql.DataSource;

import org.apache.camel.processor.aggregate.jdbc.JdbcAggregationRepository;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;

/**
 * Where open digests live between records and across restarts: Camel's JdbcAggregationRepository
 * on the relay's state database (bean relayDataSource). Its two tables are created when absent:
 * email_digest holds each manager's open group, email_digest_completed a closed group until its
 * email is sent or dead-lettered, so a crash in between re-sends it on the next start.
 */
final class DigestRepository {

    static final String TABLE = "email_digest";

    private DigestRepository() {
    }

    static JdbcAggregationRepository create(DataSource dataSource) {
        createTables(dataSource);
        JdbcAggregationRepository repository =
                new JdbcAggregationRepository(new DataSourceTransactionManager(dataSource), TABLE, dataSource);
        // a closed digest whose sending was cut short (the process died) is sent again after a restart
        repository.setUseRecovery(true);
        return repository;
    }

    /** The DDL for both databases the relay supports; README "Email digests" has it for PostgreSQL DBAs. */
    static String ddl(String table, boolean postgres) {
        return "CREATE TABLE IF NOT EXISTS " + table + " (id VARCHAR(255) NOT NULL, exchange "
                + (postgres ? "BYTEA" : "BLOB") + " NOT NULL, version BIGINT NOT NULL, CONSTRAINT " + table
                + "_pk PRIMARY KEY (id))";
    }

    private static void createTables(DataSource dataSource) {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            boolean postgres = connection.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT)
                    .contains("postgres");
            statement.execute(ddl(TABLE, postgres));
            statement.execute(ddl(TABLE + "_completed", postgres));
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create the email digest tables in the state database "
                    + "(relay.state.jdbc-url): " + e.getMessage(), e);
        }
    }
}
