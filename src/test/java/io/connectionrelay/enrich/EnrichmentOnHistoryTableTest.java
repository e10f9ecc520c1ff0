package io.connectionrelay.enrich;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Properties;
import java.util.UUID;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;

/**
 * The same enrichment with the connection history in the state database's table, as a state
 * database that is not an embedded file keeps it (here an in-memory H2, standing in for a server).
 */
class EnrichmentOnHistoryTableTest extends EnrichmentTest {

    @Override
    protected void testProperties(Properties p) {
        super.testProperties(p);
        p.put("relay.state.jdbc-url", "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
    }

    @Test
    void aConnectionHistoryThatCannotBeWrittenFailsTheCycleWithTheReasonAndPublishesNothing() throws Exception {
        crux.stubFor(get(CONNECTIONS).willReturn(okJson(payload("DEACTIVATED"))));
        try (Connection connection = context.getRegistry().lookupByNameAndType("relayDataSource", DataSource.class)
                .getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("ALTER TABLE relay_connection_history ADD CONSTRAINT test_refuses_inactive"
                    + " CHECK (status <> 'INACTIVE')");
        }

        assertThat(runOnce()).as("the cycle failed").isNotZero();

        Path published = dataDir().resolve("out/csv");
        assertThat(Files.exists(published) ? Files.list(published).count() : 0).as("no CSV published").isZero();
        assertThat(deadLetters().list()).singleElement().satisfies(entry -> {
            assertThat(entry.stage()).isEqualTo("poll");
            assertThat(entry.error()).contains("connection history").contains("TEST_REFUSES_INACTIVE");
        });
    }
}
