package io.connectionrelay.deliver.email;

import javax.sql.DataSource;

import io.connectionrelay.cluster.ClusterSettings;
import org.apache.camel.processor.aggregate.jdbc.ClusteredJdbcAggregationRepository;
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

    /**
     * In cluster mode every replica runs recovery, and each would send the digests another replica
     * has just closed and is still sending: there each replica recovers only what it closed itself
     * (column instance_id), when it starts again under the same relay.cluster.instance-id. Not
     * Camel's ClusteredPostgresAggregationRepository: on 4.17 its INSERT has fewer placeholders
     * than it binds, and every window fails to close.
     */
    static JdbcAggregationRepository create(DataSource dataSource, ClusterSettings cluster) {
        DataSourceTransactionManager transactions = new DataSourceTransactionManager(dataSource);
        JdbcAggregationRepository repository;
        if (cluster.enabled()) {
            ClusteredJdbcAggregationRepository clustered =
                    new ClusteredJdbcAggregationRepository(transactions, TABLE, dataSource);
            clustered.setInstanceId(cluster.instanceId());
            clustered.setRecoveryByInstance(true);
            repository = clustered;
        } else {
            repository = new JdbcAggregationRepository(transactions, TABLE, dataSource);
        }
        // a closed digest whose sending was cut short (the process died) is sent again after a restart
        repository.setUseRecovery(true);
        return repository;
    }
}
