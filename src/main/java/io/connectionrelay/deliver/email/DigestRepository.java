package io.connectionrelay.deliver.email;

import javax.sql.DataSource;

import org.apache.camel.processor.aggregate.jdbc.JdbcAggregationRepository;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;

/**
 * Where open digests live between records and across restarts: Camel's JdbcAggregationRepository
 * on the relay's state database (bean relayDataSource), in two tables the schema migrations make:
 * email_digest holds each manager's open group, email_digest_completed a closed group until its
 * email is sent or dead-lettered, so a crash in between re-sends it on the next start.
 */
final class DigestRepository {

    static final String TABLE = "email_digest";

    private DigestRepository() {
    }

    static JdbcAggregationRepository create(DataSource dataSource) {
        JdbcAggregationRepository repository =
                new JdbcAggregationRepository(new DataSourceTransactionManager(dataSource), TABLE, dataSource);
        // a closed digest whose sending was cut short (the process died) is sent again after a restart
        repository.setUseRecovery(true);
        return repository;
    }
}
