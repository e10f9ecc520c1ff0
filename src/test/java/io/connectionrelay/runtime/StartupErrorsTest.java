package io.connectionrelay.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import io.connectionrelay.support.RelayCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A relay that cannot start, as an operator sees it: the real main class in its own JVM, started
 * with environment variables. One message lists every problem with its setting and environment
 * variable, the exit code is 2, no stack frame is printed unless RELAY_LOG_LEVEL=DEBUG, and no
 * password ever appears.
 */
class StartupErrorsTest {

    static final String STACK_FRAME = "\tat ";
    static final String PASSWORD = "Pg-s3cret-9f1";

    @TempDir
    Path work;

    @Test
    void everySettingThatCannotWorkIsReportedAtOnceNamingItsVariable() throws Exception {
        Map<String, String> env = new HashMap<>(Map.of(
                "RELAY_PROFILE", "prod",
                "RELAY_SOURCES", "crux-eu,fleet",
                "RELAY_SOURCE_CRUX_EU_VENDOR", "crux",
                "RELAY_SOURCE_CRUX_EU_BASE_URL", "api.cruxconnect.com",
                "RELAY_SOURCE_CRUX_EU_PERIOD", "0s",
                "RELAY_SOURCE_FLEET_VENDOR", "terminal",
                "RELAY_SOURCE_FLEET_BASE_URL", "https://api.withterminal.com/tsp/v1",
                "RELAY_SOURCE_FLEET_API_KEY", "key-123456",
                "RELAY_SOURCE_FLEET_PERIOD", "-5s",
                "RELAY_UPSTREAM_RETRY_MAX_RETRIES", "-3"));
        env.putAll(Map.of(
                "RELAY_CSV_SFTP_RETRY_INITIAL_DELAY", "20",
                "RELAY_CSV_DONE_FILE", "yes",
                "RELAY_EMAIL_WINDOW", "weekly",
                "RELAY_EMAIL_SMTP_PORT", "70000",
                "RELAY_STATE_POOL_SIZE", "0"));

        RelayCommand relay = RelayCommand.run(work, env, "--once");

        assertThat(relay.exitCode()).isEqualTo(2);
        assertThat(relay.output()).doesNotContain(STACK_FRAME);
        assertThat(relay.stderr()).contains("connection-relay cannot start: 13 configuration problems")
                .contains("relay.source.crux-eu.base-url (environment variable RELAY_SOURCE_CRUX_EU_BASE_URL)")
                .contains("relay.source.crux-eu.period (environment variable RELAY_SOURCE_CRUX_EU_PERIOD) is '0s'")
                .contains("relay.source.fleet.period (environment variable RELAY_SOURCE_FLEET_PERIOD) is '-5s'")
                .contains("Missing setting relay.source.crux-eu.username (environment variable "
                        + "RELAY_SOURCE_CRUX_EU_USERNAME)")
                .contains("Missing setting relay.source.crux-eu.password (environment variable "
                        + "RELAY_SOURCE_CRUX_EU_PASSWORD)")
                .contains("relay.upstream.retry.max-retries (environment variable RELAY_UPSTREAM_RETRY_MAX_RETRIES) "
                        + "is '-3'")
                .contains("relay.csv.sftp.retry.initial-delay (environment variable RELAY_CSV_SFTP_RETRY_INITIAL_DELAY)"
                        + " is '20' but must be a duration with a unit")
                .contains("relay.csv.done-file (environment variable RELAY_CSV_DONE_FILE) is 'yes' but must be true "
                        + "or false")
                .contains("relay.email.window (environment variable RELAY_EMAIL_WINDOW) is 'weekly' but must be one of "
                        + "cycle, cron")
                .contains("relay.email.smtp.port (environment variable RELAY_EMAIL_SMTP_PORT) is '70000'")
                .contains("relay.state.pool-size (environment variable RELAY_STATE_POOL_SIZE) is '0'")
                .contains("Missing setting relay.email.from (environment variable RELAY_EMAIL_FROM)")
                .contains("Missing setting relay.email.smtp.host (environment variable RELAY_EMAIL_SMTP_HOST)");
    }

    @Test
    void anUnknownProfileNamesItsVariableAndTheProfilesThere() throws Exception {
        RelayCommand relay = RelayCommand.run(work, Map.of("RELAY_PROFILE", "nope"), "--once");

        assertThat(relay.exitCode()).isEqualTo(2);
        assertThat(relay.output()).doesNotContain(STACK_FRAME).doesNotContain("FileNotFoundException");
        assertThat(relay.stderr()).contains("Unknown profile 'nope' (RELAY_PROFILE").contains("demo, prod");
    }

    @Test
    void aMissingConfigurationFolderNamesItsVariable() throws Exception {
        RelayCommand relay = RelayCommand.run(work, Map.of("RELAY_CONFIG_DIR", "/nowhere"));

        assertThat(relay.exitCode()).isEqualTo(2);
        assertThat(relay.output()).doesNotContain(STACK_FRAME).doesNotContain("FileNotFoundException");
        assertThat(relay.stderr()).contains("Configuration folder /nowhere does not exist").contains("RELAY_CONFIG_DIR");
    }

    /** A PostgreSQL (or H2 server) that is not there: a port nothing listens on. */
    @ParameterizedTest
    @ValueSource(strings = {
            "jdbc:postgresql://127.0.0.1:PORT/relay?user=relay&password=" + PASSWORD,
            "jdbc:postgresql://relay:" + PASSWORD + "@127.0.0.1:PORT/relay",
            "jdbc:h2:tcp://127.0.0.1:PORT/relay;USER=relay;PASSWORD=" + PASSWORD})
    void anUnreachableDatabaseIsReportedWithoutThePasswordInItsUrl(String url) throws Exception {
        RelayCommand relay = RelayCommand.run(work, database(url.replace("PORT", String.valueOf(closedPort()))),
                "--once");

        assertThat(relay.exitCode()).isEqualTo(2);
        assertThat(relay.output()).doesNotContain(PASSWORD).doesNotContain(STACK_FRAME);
        assertThat(relay.stderr()).contains("Cannot open the state database " + url.substring(0, 12))
                .contains("(relay.state.jdbc-url, environment variable RELAY_STATE_JDBC_URL)");
    }

    @Test
    void debugAddsTheStackTraceStillWithoutThePassword() throws Exception {
        Map<String, String> env = database("jdbc:postgresql://127.0.0.1:" + closedPort() + "/relay?user=relay&password="
                + PASSWORD);
        env.put("RELAY_LOG_LEVEL", "DEBUG");

        RelayCommand relay = RelayCommand.run(work, env, "--once");

        assertThat(relay.exitCode()).isEqualTo(2);
        assertThat(relay.output()).contains(STACK_FRAME).doesNotContain(PASSWORD);
        assertThat(relay.stderr()).contains("Cannot open the state database");
    }

    /** Everything else the prod profile needs, so the database is the one problem. */
    private static Map<String, String> database(String url) {
        return new HashMap<>(Map.of(
                "RELAY_PROFILE", "prod",
                "RELAY_ROUTING_PENDING", "csv",
                "RELAY_ROUTING_INACTIVE", "csv",
                "RELAY_STATE_JDBC_URL", url,
                "RELAY_STATE_CONNECTION_TIMEOUT", "2s"));
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
