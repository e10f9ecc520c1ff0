package io.connectionrelay.deliver.csv;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.connectionrelay.app.DeadLetterCommands;
import io.connectionrelay.core.SecretMasker;
import io.connectionrelay.core.Settings;
import io.connectionrelay.deadletter.DeadLetterEntry;
import io.connectionrelay.support.Fixtures;
import io.connectionrelay.support.RelayTestSupport;
import io.connectionrelay.support.SftpTestServer;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/**
 * The csv channel with relay.csv.target=sftp, end to end: WireMock as the Crux API, Apache MINA
 * SSHD as the SFTP server, the files asserted as the server stored them.
 */
class CsvSftpTest {

    static final String CONNECTIONS = "/timp/organizations/connections/";
    static final String FOLDER = "exports";
    static final String CSV_NAME = "crux-a-\\d{8}T\\d{9}Z\\.csv";

    @RegisterExtension
    static WireMockExtension crux = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    @RegisterExtension
    static SftpTestServer sftp = new SftpTestServer();

    /** What CsvTarget logs at startup, for the trust-any-host warning. */
    static final ListAppender<ILoggingEvent> TARGET_LOG = new ListAppender<>();

    static {
        TARGET_LOG.start();
        ((Logger) LoggerFactory.getLogger(CsvTarget.class)).addAppender(TARGET_LOG);
    }

    abstract static class SftpCase extends RelayTestSupport {

        @Override
        protected void testProperties(Properties p) {
            cruxSource(p, crux.baseUrl());
            p.put("relay.csv.target", "sftp");
            p.put("relay.csv.sftp.host", "127.0.0.1");
            p.put("relay.csv.sftp.port", String.valueOf(sftp.port()));
            p.put("relay.csv.sftp.username", SftpTestServer.USER);
            p.put("relay.csv.sftp.password", SftpTestServer.PASSWORD);
            p.put("relay.csv.sftp.directory", FOLDER);
            p.put("relay.csv.sftp.known-hosts-file", write(() -> sftp.writeKnownHosts(dataDir().resolve("known_hosts"))));
            p.put("relay.csv.sftp.connect-timeout", "5s");
            p.put("relay.csv.sftp.retry.max-retries", "2");
            p.put("relay.csv.sftp.retry.initial-delay", "20ms");
            p.put("relay.csv.sftp.retry.max-delay", "100ms");
        }

        int runWithHostilePayload() throws InterruptedException {
            crux.stubFor(get(CONNECTIONS).willReturn(okJson(Fixtures.text("crux-connections-hostile.json"))));
            return runOnce();
        }

        String onlyCsvName() throws Exception {
            List<String> files = sftp.list(FOLDER);
            assertThat(files).filteredOn(f -> f.endsWith(".csv")).hasSize(1);
            return files.stream().filter(f -> f.endsWith(".csv")).findFirst().orElseThrow();
        }

        void assertDeliveredAsTheFolderTargetWould(String name) throws Exception {
            assertThat(name).matches(CSV_NAME);
            assertThat(Files.readAllBytes(sftp.root().resolve(FOLDER).resolve(name)))
                    .isEqualTo(Fixtures.text("expected/crux-hostile.csv").getBytes(StandardCharsets.UTF_8));
        }

        void assertNothingStaged() throws Exception {
            try (var staged = Files.list(dataDir().resolve("staging/csv"))) {
                assertThat(staged).isEmpty();
            }
        }

        /** Counts Camel's retries of this test's exchanges, running the action before the first. */
        AtomicInteger countRetries(IoAction beforeFirstRetry) {
            AtomicInteger retries = new AtomicInteger();
            EventNotifierSupport notifier = new EventNotifierSupport() {
                @Override
                public void notify(CamelEvent event) throws Exception {
                    if (event instanceof CamelEvent.ExchangeRedeliveryEvent && retries.getAndIncrement() == 0) {
                        beforeFirstRetry.run();
                    }
                }
            };
            notifier.start();
            context.getManagementStrategy().addEventNotifier(notifier);
            return retries;
        }

        DeadLetterEntry onlyDeadLetter() throws Exception {
            List<DeadLetterEntry> entries = deadLetters().list();
            assertThat(entries).hasSize(1);
            DeadLetterEntry entry = entries.get(0);
            assertThat(entry.channel()).isEqualTo("csv");
            assertThat(entry.step()).isEqualTo("csv-publish");
            assertThat(entry.replayUri()).isEqualTo("direct://csv-publish");
            assertThat(entry.headers().get(Exchange.FILE_NAME)).matches(CSV_NAME);
            assertThat(Files.readAllBytes(deadLetters().payloadOf(entry)))
                    .isEqualTo(Fixtures.text("expected/crux-hostile.csv").getBytes(StandardCharsets.UTF_8));
            String stored = Files.readString(deadLetters().folder().resolve(entry.id() + ".json"));
            assertThat(stored).doesNotContain(SftpTestServer.PASSWORD, SftpTestServer.KEY_PASSPHRASE);
            return entry;
        }
    }

    @Nested
    class PasswordLoginWithDoneFile extends SftpCase {

        @Override
        protected void testProperties(Properties p) {
            super.testProperties(p);
            p.put("relay.csv.done-file", "true");
        }

        @Test
        void uploadsUnderATemporaryNameRenamesItThenWritesTheDoneFile() throws Exception {
            assertThat(runWithHostilePayload()).isZero();

            String name = onlyCsvName();
            assertDeliveredAsTheFolderTargetWould(name);
            assertThat(sftp.list(FOLDER)).containsExactly(name, name + ".done");
            assertThat(sftp.root().resolve(FOLDER).resolve(name + ".done")).isEmptyFile();
            assertThat(sftp.events()).containsExactly(
                    "open " + FOLDER + "/." + name + ".part",
                    "move " + FOLDER + "/." + name + ".part -> " + FOLDER + "/" + name,
                    "open " + FOLDER + "/" + name + ".done");
            assertThat(deadLetters().list()).isEmpty();
            assertNothingStaged();
        }

        @Test
        void credentialsNeverAppearInAnEndpointUri() throws Exception {
            assertThat(runWithHostilePayload()).isZero();

            List<String> uris = context.getEndpoints().stream().map(Endpoint::getEndpointUri).toList();
            assertThat(uris).anyMatch(u -> u.startsWith("sftp://127.0.0.1:" + sftp.port() + "/" + FOLDER));
            assertThat(uris).noneMatch(u -> u.contains(SftpTestServer.PASSWORD) || u.contains("pw&x") || u.contains("pw%26x"));
        }
    }

    @Nested
    class PrivateKeyLogin extends SftpCase {

        @Override
        protected void testProperties(Properties p) {
            super.testProperties(p);
            p.remove("relay.csv.sftp.password");
            p.put("relay.csv.sftp.private-key-file", write(() -> sftp.writeClientKey(dataDir().resolve("id_ecdsa"))));
            p.put("relay.csv.sftp.private-key-passphrase", SftpTestServer.KEY_PASSPHRASE);
        }

        @Test
        void logsInWithThePassphraseProtectedKey() throws Exception {
            assertThat(runWithHostilePayload()).isZero();

            String name = onlyCsvName();
            assertDeliveredAsTheFolderTargetWould(name);
            assertThat(sftp.list(FOLDER)).containsExactly(name);
            assertThat(context.getEndpoints().stream().map(Endpoint::getEndpointUri))
                    .noneMatch(u -> u.contains("key phrase") || u.contains("key+phrase") || u.contains("key%20phrase"));
            assertThat(new SecretMasker(new Settings(context)).mask("passphrase " + SftpTestServer.KEY_PASSPHRASE))
                    .isEqualTo("passphrase " + SecretMasker.MASK);
        }
    }

    @Nested
    class UnknownHostKey extends SftpCase {

        @Override
        protected void testProperties(Properties p) {
            super.testProperties(p);
            p.put("relay.csv.sftp.known-hosts-file",
                    write(() -> SftpTestServer.writeKnownHostsOfAnotherServer(dataDir().resolve("known_hosts"))));
        }

        @Test
        void isRefusedAndTheCsvIsDeadLettered() throws Exception {
            AtomicInteger retries = countRetries(() -> { });

            assertThat(runWithHostilePayload()).isEqualTo(1);

            assertThat(sftp.events()).isEmpty();
            assertThat(sftp.list(FOLDER)).isEmpty();
            onlyDeadLetter();
            assertThat(retries.get()).isEqualTo(2);
            assertNothingStaged();
        }
    }

    @Nested
    class TrustAnyHost extends SftpCase {

        @Override
        protected void testProperties(Properties p) {
            super.testProperties(p);
            p.remove("relay.csv.sftp.known-hosts-file");
            p.put("relay.csv.sftp.trust-any-host", "true");
        }

        @Test
        void deliversWithoutAKnownHostsFileAndWarnsAtStartup() throws Exception {
            assertThat(TARGET_LOG.list).anyMatch(e -> e.getLevel() == Level.WARN
                    && e.getFormattedMessage().contains("relay.csv.sftp.trust-any-host=true")
                    && e.getFormattedMessage().contains("NOT verified"));

            assertThat(runWithHostilePayload()).isZero();

            assertDeliveredAsTheFolderTargetWould(onlyCsvName());
        }
    }

    @Nested
    class ServerDownThenUp extends SftpCase {

        @Test
        void deliversOnARetry() throws Exception {
            sftp.stop();
            // the server comes back once the first upload has failed and Camel is about to retry
            AtomicInteger retries = countRetries(sftp::start);

            assertThat(runWithHostilePayload()).isZero();

            assertThat(retries.get()).isEqualTo(1);
            assertDeliveredAsTheFolderTargetWould(onlyCsvName());
            assertThat(deadLetters().list()).isEmpty();
            assertNothingStaged();
        }
    }

    @Nested
    class ServerDownForGood extends SftpCase {

        @Test
        void deadLettersTheCsvAndTheReplayDeliversItOnceTheServerIsBack() throws Exception {
            sftp.stop();
            AtomicInteger retries = countRetries(() -> { });

            assertThat(runWithHostilePayload()).isEqualTo(1);

            DeadLetterEntry entry = onlyDeadLetter();
            assertThat(retries.get()).isEqualTo(2);
            assertNothingStaged();

            sftp.start();
            assertThat(DeadLetterCommands.replay(context, deadLetters(), null)).isTrue();

            String name = onlyCsvName();
            assertThat(name).isEqualTo(entry.headers().get(Exchange.FILE_NAME));
            assertDeliveredAsTheFolderTargetWould(name);
            assertThat(sftp.list(FOLDER)).containsExactly(name);
            assertThat(deadLetters().list()).isEmpty();
        }
    }

    @Nested
    class HostileNameOnReplay extends SftpCase {

        @Test
        void aNameThatIsNotPlainIsRefusedBeforeAnythingIsWritten() throws Exception {
            for (String hostile : List.of("../escaped.csv", "/tmp/absolute.csv", "sub/../../x.csv", "x.csv\r\nInjected")) {
                template.send("direct:csv-publish", exchange -> {
                    exchange.getMessage().setHeader(Exchange.FILE_NAME, hostile);
                    exchange.getMessage().setBody("a,b\r\n");
                });
            }

            assertThat(sftp.events()).isEmpty();
            assertThat(sftp.list(".")).isEmpty();
            assertThat(deadLetters().list()).hasSize(4)
                    .allSatisfy(e -> assertThat(e.error()).contains("Refusing file name").doesNotContain("\n"));
        }
    }

    interface IoSupplier {
        Path get() throws Exception;
    }

    interface IoAction {
        void run() throws Exception;
    }

    static String write(IoSupplier file) {
        try {
            return file.get().toString();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
