package io.connectionrelay.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.connectionrelay.deadletter.DeadLetterEntry;
import io.connectionrelay.support.DeliveryObserver;
import io.connectionrelay.support.GreenMailDigests;
import io.connectionrelay.support.Http;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The SMTP server digests go through is down (in-JVM GreenMail, started late or not at all).
 * Every record is routed to csv, webhook AND email; the other channels deliver meanwhile, the
 * digests are retried, then dead-lettered whole and replayed once the server is back, and no
 * manager gets a connection twice.
 */
class SmtpOutageTest extends FaultCase {

    static final int SMTP_PORT = Http.freePort();

    private final GreenMail smtp = new GreenMail(new ServerSetup(SMTP_PORT, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));

    @Override
    protected void fault(Properties p) {
        for (String status : List.of("active", "pending", "inactive")) {
            p.put("relay.routing." + status, "csv,webhook,email");
        }
        p.put("relay.email.from", "Connection Relay <relay@relay.example>");
        p.put("relay.email.smtp.host", "127.0.0.1");
        p.put("relay.email.smtp.port", String.valueOf(SMTP_PORT));
        p.put("relay.email.smtp.security", "none");
        p.put("relay.email.smtp.connect-timeout", "1s");
        p.put("relay.email.attach-csv", "true");
        p.put("relay.email.retry.max-retries", "2");
        p.put("relay.email.retry.initial-delay", "20ms");
        p.put("relay.email.retry.max-delay", "100ms");
    }

    @AfterEach
    void stopSmtp() {
        smtp.stop();
    }

    @Override
    DeliveryObserver[] channels() {
        return new DeliveryObserver[] {csv(), webhooks(), GreenMailDigests.of(smtp)};
    }

    @Test
    void aServerBackBeforeTheRetriesRunOutGetsEveryDigestOnce() throws Exception {
        upstreamAnswers(connections());
        AtomicInteger smtpRetries = onFirstEmailRetry(smtp::start);

        assertThat(runOnce()).isZero();

        assertThat(smtpRetries.get()).isPositive();
        invariant().assertEverythingDelivered();
        assertThat(deadLetters().list()).isEmpty();
    }

    @Test
    void aServerDownForGoodDeadLettersEachDigestOnceAndTheReplayDeliversThem() throws Exception {
        upstreamAnswers(connections());

        assertThat(runOnce()).isEqualTo(1);

        invariant().assertHolds();
        assertThat(csv().files()).hasSize(1);
        assertThat(webhooks().delivered()).containsAll(payload.keys(SOURCE));
        List<DeadLetterEntry> digests = deadLetters().list();
        assertThat(digests).isNotEmpty().allSatisfy(e -> {
            assertThat(e.channel()).isEqualTo("email");
            assertThat(e.attempts()).isEqualTo(3);
        });

        smtp.start();
        assertThat(replayDeadLetters()).isTrue();

        invariant().assertEverythingDelivered();
        assertThat(GreenMailDigests.of(smtp).received()).isEqualTo(digests.size());
        assertThat(deadLetters().list()).isEmpty();
    }

    /** Counts retries of digest sends, running the action before the first. */
    AtomicInteger onFirstEmailRetry(Runnable action) throws Exception {
        AtomicInteger retries = new AtomicInteger();
        EventNotifierSupport notifier = new EventNotifierSupport() {
            @Override
            public void notify(CamelEvent event) {
                if (event instanceof CamelEvent.ExchangeRedeliveryEvent redelivery
                        && "email".equals(redelivery.getExchange().getProperty("relayChannel", String.class))
                        && retries.getAndIncrement() == 0) {
                    action.run();
                }
            }
        };
        notifier.start();
        context.getManagementStrategy().addEventNotifier(notifier);
        return retries;
    }
}
