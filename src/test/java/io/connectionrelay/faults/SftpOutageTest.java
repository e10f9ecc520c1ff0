package io.connectionrelay.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;

import io.connectionrelay.core.SettingsSchema;
import io.connectionrelay.support.CsvExports;
import io.connectionrelay.support.SftpTestServer;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The SFTP server CSV files go to is down (in-JVM Apache MINA SSHD, stopped and started). The
 * channels are independent: webhooks are delivered meanwhile, and the CSV is retried on the shipped
 * retry settings (only the first delay shortened), then dead-lettered whole and replayed once the
 * server is back.
 */
class SftpOutageTest extends FaultCase {

    static final String FOLDER = "exports";
    /** As shipped (the declared default, which config/ does not change): the test follows it. */
    static final int SHIPPED_RETRIES = Integer.parseInt(
            SettingsSchema.defaultValue("relay.csv.sftp.retry.max-retries").orElseThrow());

    @RegisterExtension
    static SftpTestServer sftp = new SftpTestServer();

    @Override
    protected void fault(Properties p) {
        p.put("relay.csv.target", "sftp");
        p.put("relay.csv.sftp.host", "127.0.0.1");
        p.put("relay.csv.sftp.port", String.valueOf(sftp.port()));
        p.put("relay.csv.sftp.username", SftpTestServer.USER);
        p.put("relay.csv.sftp.password", SftpTestServer.PASSWORD);
        p.put("relay.csv.sftp.directory", FOLDER);
        try {
            p.put("relay.csv.sftp.known-hosts-file", sftp.writeKnownHosts(dataDir().resolve("known_hosts")).toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        p.put("relay.csv.sftp.connect-timeout", "2s");
        // the shipped retry policy (the declared defaults: 5 retries from 2s, doubling up to 1m),
        // its first delay shortened in the documented syntax
        p.put("relay.csv.sftp.retry.initial-delay", "20ms");
    }

    /** Published means on the server. */
    @Override
    CsvExports csv() {
        return CsvExports.in(sftp.root().resolve(FOLDER));
    }

    @Test
    void aServerBackBeforeTheRetriesRunOutGetsTheCsv() throws Exception {
        upstreamAnswers(connections());
        sftp.stop();
        AtomicInteger uploadRetries = onFirstUploadRetry(sftp::start);

        assertThat(runOnce()).isZero();

        assertThat(uploadRetries.get()).isEqualTo(1);
        invariant().assertEverythingDelivered();
        assertThat(csv().files()).hasSize(1);
        assertThat(deadLetters().list()).isEmpty();
    }

    @Test
    void aServerDownForGoodDeadLettersTheCsvDeliversTheWebhooksAndTheReplayPublishes() throws Exception {
        upstreamAnswers(connections());
        sftp.stop();
        AtomicInteger uploadRetries = onFirstUploadRetry(() -> { });

        assertThat(runOnce()).isEqualTo(1);

        assertThat(uploadRetries.get()).isEqualTo(SHIPPED_RETRIES);

        invariant().assertHolds();
        assertThat(csv().files()).isEmpty();
        assertThat(webhooks().delivered()).containsAll(payload.keys(SOURCE));
        assertThat(deadLetters().list()).singleElement().satisfies(e -> {
            assertThat(e.channel()).isEqualTo("csv");
            assertThat(e.attempts()).isEqualTo(1 + SHIPPED_RETRIES);
        });

        sftp.start();
        assertThat(replayDeadLetters()).isTrue();

        invariant().assertEverythingDelivered();
        assertThat(csv().files()).hasSize(1);
        assertThat(deadLetters().list()).isEmpty();
    }

    /** Counts retries of the SFTP upload (not of other steps), running the action before the first. */
    AtomicInteger onFirstUploadRetry(IoAction action) {
        AtomicInteger retries = new AtomicInteger();
        EventNotifierSupport notifier = new EventNotifierSupport() {
            @Override
            public void notify(CamelEvent event) throws Exception {
                if (event instanceof CamelEvent.ExchangeRedeliveryEvent redelivery
                        && redelivery.getExchange().getProperty("relayTarget", "", String.class).startsWith("sftp:")
                        && retries.getAndIncrement() == 0) {
                    action.run();
                }
            }
        };
        notifier.start();
        context.getManagementStrategy().addEventNotifier(notifier);
        return retries;
    }

    interface IoAction {
        void run() throws Exception;
    }
}
