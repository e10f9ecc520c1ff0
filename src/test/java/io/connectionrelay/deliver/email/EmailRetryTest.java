package io.connectionrelay.deliver.email;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.connectionrelay.app.DeadLetterCommands;
import io.connectionrelay.deadletter.DeadLetterEntry;
import io.connectionrelay.support.Http;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A mail server that is down: retried with backoff, then dead-lettered as a whole message that replays. */
class EmailRetryTest extends EmailTestSupport {

    private int port;
    private GreenMail greenMail;

    @Override
    protected int smtpPort() {
        if (port == 0) {
            port = Http.freePort();
        }
        return port;
    }

    @Override
    protected void testProperties(Properties p) {
        super.testProperties(p);
        p.put("relay.email.retry.max-retries", "5");
    }

    @AfterEach
    void stopMailServer() {
        if (greenMail != null) {
            greenMail.stop();
        }
    }

    @Test
    void aServerThatDropsTheFirstConnectionGetsTheDigestOnARetry() throws Exception {
        serve(new CruxConnections().pending("Alpha Foods", "Ana García", "ana@example.com"));
        DroppingServer dropping = new DroppingServer(1);

        assertThat(runOnce()).isZero();

        assertThat(dropping.awaitDone()).isEqualTo(1);
        assertThat(greenMail.getReceivedMessages()).singleElement()
                .satisfies(m -> assertThat(m.getSubject()).startsWith("1 partner connection needs attention"));
        assertThat(deadLetters().list()).isEmpty();
    }

    @Test
    void aServerDownForGoodDeadLettersTheMessageAndAReplayDeliversIt() throws Exception {
        serve(new CruxConnections()
                .pending("Alpha Foods", "Ana García", "ana@example.com")
                .pending("Ωmega Λogistics", "Ana García", "ana@example.com"));
        // the first attempt and max-retries (5) more, then the server comes back for the replay
        DroppingServer dropping = new DroppingServer(6);

        assertThat(runOnce()).isEqualTo(1);

        assertThat(dropping.awaitDone()).isEqualTo(6);
        List<DeadLetterEntry> entries = deadLetters().list();
        assertThat(entries).singleElement().satisfies(entry -> {
            assertThat(entry.stage()).isEqualTo("deliver");
            assertThat(entry.channel()).isEqualTo("email");
            assertThat(entry.replayUri()).isEqualTo("direct:email-send");
            assertThat(entry.error()).contains("MessagingException");
        });
        try (InputStream in = Files.newInputStream(deadLetters().payloadOf(entries.get(0)))) {
            MimeMessage saved = new MimeMessage(Session.getInstance(new Properties()), in);
            assertThat(((InternetAddress) saved.getAllRecipients()[0]).getAddress()).isEqualTo("ana@example.com");
            assertThat(saved.getSubject()).isEqualTo("2 partner connections need attention: 2 new");
        }
        assertThat(greenMail.getReceivedMessages()).isEmpty();

        assertThat(DeadLetterCommands.replay(context, deadLetters(), null)).isTrue();

        MimeMessage delivered = greenMail.getReceivedMessages()[0];
        assertThat(greenMail.getReceivedMessages()).hasSize(1);
        assertThat(delivered.getSubject()).isEqualTo("2 partner connections need attention: 2 new");
        assertThat(content(leafParts(delivered).get(1))).contains("Alpha Foods", "Ωmega Λogistics");
        assertThat(deadLetters().list()).isEmpty();
    }

    /**
     * A mail server that is down: it accepts a number of connections on the relay's SMTP port and
     * closes each unanswered, then makes way for a working server on the same port.
     */
    private final class DroppingServer {

        private final AtomicInteger dropped = new AtomicInteger();
        private final Thread thread;

        DroppingServer(int connections) throws IOException {
            ServerSocket socket = new ServerSocket(smtpPort(), 50, InetAddress.getLoopbackAddress());
            thread = new Thread(() -> {
                try (socket) {
                    while (dropped.get() < connections) {
                        socket.accept().close();
                        dropped.incrementAndGet();
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                startMailServer();
            });
            thread.start();
        }

        int awaitDone() throws InterruptedException {
            thread.join(10_000);
            return dropped.get();
        }
    }

    private void startMailServer() {
        greenMail = new GreenMail(new ServerSetup(smtpPort(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        greenMail.start();
    }
}
