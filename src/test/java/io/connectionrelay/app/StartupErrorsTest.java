package io.connectionrelay.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.connectionrelay.support.ChildRelay;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A relay that cannot start, as an operator sees it: the real main class in its own JVM, started
 * with environment variables (ChildRelay sets relay.x.y as RELAY_X_Y). One message lists every problem with its setting and environment
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
        ChildRelay relay = ChildRelay.in(work)
                .set("relay.sources", "crux-eu,fleet")
                .set("relay.source.crux-eu.vendor", "crux")
                .set("relay.source.crux-eu.base-url", "api.cruxconnect.com")
                .set("relay.source.crux-eu.period", "0s")
                .set("relay.source.fleet.vendor", "terminal")
                .set("relay.source.fleet.base-url", "https://api.withterminal.com/tsp/v1")
                .set("relay.source.fleet.api-key", "key-123456")
                .set("relay.source.fleet.period", "-5s")
                .set("relay.upstream.retry.max-retries", "-3")
                .set("relay.csv.sftp.retry.initial-delay", "20")
                .set("relay.csv.done-file", "yes")
                .set("relay.email.window", "weekly")
                .set("relay.email.smtp.port", "70000")
                .set("relay.state.pool-size", "0");

        Result result = run(relay, "--once");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.output()).doesNotContain(STACK_FRAME)
                .contains("connection-relay cannot start: 13 configuration problems")
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
                        + "news, cron, cycle")
                .contains("relay.email.smtp.port (environment variable RELAY_EMAIL_SMTP_PORT) is '70000'")
                .contains("relay.state.pool-size (environment variable RELAY_STATE_POOL_SIZE) is '0'")
                .contains("Missing setting relay.email.from (environment variable RELAY_EMAIL_FROM)")
                .contains("Missing setting relay.email.smtp.host (environment variable RELAY_EMAIL_SMTP_HOST)");
    }

    @Test
    void anUnknownProfileNamesItsVariableAndTheProfilesThere() throws Exception {
        Result result = run(ChildRelay.in(work).set("relay.profile", "nope"), "--once");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.output()).doesNotContain(STACK_FRAME).doesNotContain("FileNotFoundException")
                .contains("Unknown profile 'nope' (RELAY_PROFILE").contains("demo, prod");
    }

    @Test
    void aMissingConfigurationFolderNamesItsVariable() throws Exception {
        Result result = run(ChildRelay.in(work).set("relay.config-dir", "/nowhere"));

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.output()).doesNotContain(STACK_FRAME).doesNotContain("FileNotFoundException")
                .contains("Configuration folder /nowhere does not exist").contains("RELAY_CONFIG_DIR");
    }

    /** A PostgreSQL (or H2 server) that is not there: a port nothing listens on. */
    @ParameterizedTest
    @ValueSource(strings = {
            "jdbc:postgresql://127.0.0.1:PORT/relay?user=relay&password=" + PASSWORD,
            "jdbc:postgresql://relay:" + PASSWORD + "@127.0.0.1:PORT/relay",
            "jdbc:h2:tcp://127.0.0.1:PORT/relay;USER=relay;PASSWORD=" + PASSWORD})
    void anUnreachableDatabaseIsReportedWithoutThePasswordInItsUrl(String url) throws Exception {
        Result result = run(database(url.replace("PORT", String.valueOf(closedPort()))), "--once");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.output()).doesNotContain(PASSWORD).doesNotContain(STACK_FRAME)
                .contains("Cannot open the state database " + url.substring(0, 12))
                .contains("(relay.state.jdbc-url, environment variable RELAY_STATE_JDBC_URL)");
    }

    @Test
    void debugAddsTheStackTraceStillWithoutThePassword() throws Exception {
        ChildRelay relay = database("jdbc:postgresql://127.0.0.1:" + closedPort() + "/relay?user=relay&password="
                + PASSWORD).set("relay.log-level", "DEBUG");

        Result result = run(relay, "--once");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.output()).contains(STACK_FRAME).doesNotContain(PASSWORD)
                .contains("Cannot open the state database");
    }

    /** Everything else the prod profile needs, so the database is the one problem. */
    private ChildRelay database(String url) {
        return ChildRelay.in(work)
                .set("relay.routing.pending", "csv")
                .set("relay.routing.inactive", "csv")
                .set("relay.state.jdbc-url", url)
                .set("relay.state.connection-timeout", "2s");
    }

    /** What an operator sees: the exit code and everything printed (standard output and error). */
    record Result(int exitCode, String output) {
    }

    private static Result run(ChildRelay relay, String... flags) throws InterruptedException {
        try (ChildRelay.Run run = relay.start(flags)) {
            return new Result(run.awaitExit(120), run.output());
        }
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
