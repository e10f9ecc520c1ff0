package io.connectionrelay.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.connectionrelay.app.OneShotRun;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Email digests: N pending connections over M account managers, one cycle, the window closing at
 * its end, delivered over SMTP to an in-JVM server (GreenMail) with the channel's default settings.
 * -Dbench.digest.connections=10000 -Dbench.digest.managers=200 (the defaults).
 */
@Tag("bench")
class DigestBenchmarkTest {

    @Test
    void digests() throws Exception {
        int connections = Integer.getInteger("bench.digest.connections", 10_000);
        int managers = Integer.getInteger("bench.digest.managers", 200);
        Path work = BenchmarkTest.WORK.resolve("digests-" + Instant.now().toEpochMilli());
        Files.createDirectories(work);
        Path payload = PendingPayload.write(work.resolve("pending.json"), connections, managers);
        GreenMail smtp = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.start();
        try (PayloadServer upstream = new PayloadServer(payload)) {
            Main main = BenchBundle.start(upstream.baseUrl(), work, Map.of(
                    "relay.routing.active", "csv", "relay.routing.pending", "email",
                    "relay.routing.inactive", "csv",
                    "relay.email.smtp.host", "127.0.0.1",
                    "relay.email.smtp.port", String.valueOf(smtp.getSmtp().getPort()),
                    "relay.email.smtp.security", "none",
                    "relay.email.from", "Connection Relay <relay@relay.example>"));
            long started = System.nanoTime();
            try {
                assertThat(OneShotRun.run(main.getCamelContext())).isZero();
            } finally {
                main.stop();
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            int emails = smtp.getReceivedMessages().length;
            assertThat(emails).isEqualTo(managers);
            List<String> rows = new ArrayList<>();
            rows.add("| pending connections | managers | emails received | seconds (poll to last email) |");
            rows.add("|---|---|---|---|");
            rows.add(String.format("| %,d | %d | %d | %.1f |", connections, managers, emails, seconds));
            BenchReport.write("digests", "Email digests: one cycle, window closed at its end, SMTP to GreenMail", rows);
        } finally {
            smtp.stop();
        }
    }
}
