package io.connectionrelay.core;

import io.connectionrelay.core.SecretMasker;
import io.connectionrelay.core.Settings;
import io.connectionrelay.core.StateDatabase;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Properties;

import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The state database the relay opens writes each commit at once (what H2 itself reports), and H2
 * does not close it from its own JVM shutdown hook, whether the URL is the default or an
 * operator's. (The shutdown hook's effect is tested end to end in StopPastTimeoutTest.)
 */
class StateDatabaseTest {

    @TempDir
    Path data;

    @Test
    void anH2UrlWithoutOptionsGetsDurableCommitsAndIsClosedOnlyByTheRelay() throws Exception {
        String url = "jdbc:h2:file:" + data.resolve("a").toAbsolutePath();
        assertThat(writeDelayOf(url)).isEqualTo("0");
        assertThat(StateDatabase.durable(url)).endsWith(";DB_CLOSE_ON_EXIT=FALSE");
    }

    /** Camel interrupts its threads at a forced stop; a commit in such a thread must not close the database. */
    @Test
    void aCommitInAnInterruptedThreadLeavesTheDatabaseOpen() throws Exception {
        Properties properties = new Properties();
        properties.put("relay.state.jdbc-url", "jdbc:h2:file:" + data.resolve("c").toAbsolutePath());
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            context.getPropertiesComponent().setInitialProperties(properties);
            Settings settings = new Settings(context);
            StateDatabase database = new StateDatabase(settings, new SecretMasker(settings));
            try (Connection connection = database.dataSource().getConnection();
                    Statement statement = connection.createStatement()) {
                statement.execute("CREATE TABLE ledger (id INT)");
                Thread.currentThread().interrupt();
                try {
                    statement.executeUpdate("INSERT INTO ledger VALUES (1)");
                } finally {
                    Thread.interrupted();
                }
            }
            try (Connection another = database.dataSource().getConnection();
                    ResultSet rows = another.createStatement().executeQuery("SELECT COUNT(*) FROM ledger")) {
                assertThat(rows.next()).isTrue();
                assertThat(rows.getInt(1)).isOne();
            } finally {
                database.stop();
            }
        }
    }

    @Test
    void optionsTheOperatorSetAreKept() throws Exception {
        String url = "jdbc:h2:nio:" + data.resolve("b").toAbsolutePath() + ";write_delay=100;DB_CLOSE_ON_EXIT=TRUE";
        assertThat(writeDelayOf(url)).isEqualTo("100");
        assertThat(StateDatabase.durable(url)).isEqualTo(url);
    }

    @Test
    void otherDatabasesAreLeftAlone() {
        assertThat(StateDatabase.durable("jdbc:postgresql://db/relay?user=relay"))
                .isEqualTo("jdbc:postgresql://db/relay?user=relay");
    }

    private String writeDelayOf(String url) throws Exception {
        Properties properties = new Properties();
        properties.put("relay.state.jdbc-url", url);
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            context.getPropertiesComponent().setInitialProperties(properties);
            Settings settings = new Settings(context);
            StateDatabase database = new StateDatabase(settings, new SecretMasker(settings));
            try (Connection connection = database.dataSource().getConnection();
                    Statement query = connection.createStatement();
                    ResultSet rows = query.executeQuery(
                            "SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME = 'WRITE_DELAY'")) {
                assertThat(rows.next()).isTrue();
                return rows.getString(1);
            } finally {
                database.stop();
            }
        }
    }

    @Test
    void theConnectionHistoryGoesBesideAnEmbeddedFileOnlyWhenNoOtherProcessCanOpenIt() {
        assertThat(StateDatabase.embeddedFile("jdbc:h2:file:./data/state/relay")).contains(Path.of("./data/state/relay"));
        assertThat(StateDatabase.embeddedFile("JDBC:H2:FILE:/var/relay;WRITE_DELAY=0")).contains(Path.of("/var/relay"));
        assertThat(StateDatabase.embeddedFile("jdbc:h2:async:/var/relay")).contains(Path.of("/var/relay"));
        assertThat(StateDatabase.embeddedFile("jdbc:h2:nio:./relay")).contains(Path.of("./relay"));
        assertThat(StateDatabase.embeddedFile("jdbc:h2:/var/relay")).contains(Path.of("/var/relay"));
        assertThat(StateDatabase.embeddedFile("jdbc:h2:file:/var/relay;AUTO_SERVER=TRUE")).as("others join it").isEmpty();
        assertThat(StateDatabase.embeddedFile("jdbc:h2:mem:relay;DB_CLOSE_DELAY=-1")).isEmpty();
        assertThat(StateDatabase.embeddedFile("jdbc:h2:tcp://db:9092/relay")).isEmpty();
        assertThat(StateDatabase.embeddedFile("jdbc:postgresql://db/relay")).isEmpty();
    }
}
