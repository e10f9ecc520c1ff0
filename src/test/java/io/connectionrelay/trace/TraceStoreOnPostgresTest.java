package io.connectionrelay.trace;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.connectionrelay.support.TestPostgres;
import org.junit.jupiter.api.AfterEach;

/** {@link TraceStoreTest}'s cases on PostgreSQL: the route entries' lookup is SQL each database runs its own way. */
class TraceStoreOnPostgresTest extends TraceStoreTest {

    private HikariDataSource postgres;

    @Override
    DataSource database() {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(TestPostgres.get().newDatabase());
        config.setUsername(TestPostgres.USER);
        config.setMaximumPoolSize(5);
        postgres = new HikariDataSource(config);
        return postgres;
    }

    @AfterEach
    void close() {
        postgres.close();
    }
}
