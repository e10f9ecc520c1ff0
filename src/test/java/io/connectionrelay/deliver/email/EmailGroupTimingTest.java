package io.connectionrelay.deliver.email;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Properties;

import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;

/**
 * A running relay (not one-shot) with the news window's shipped timers: a manager's news waits
 * group-wait (30s) for more, and two digests to one manager are group-interval (5m) apart. The
 * relay's clock moves only when the test says; the test runs the checks itself (the relay's own
 * 5-second checks see the same clock, so they can only do what the test's would).
 */
class EmailGroupTimingTest extends EmailTestSupport {

    static final String ALPHA = "a1111111-1111-4111-8111-111111111111";
    static final String BETA = "b2222222-2222-4222-8222-222222222222";

    @Override
    protected void testProperties(Properties p) {
        super.testProperties(p);
        p.put("relay.once", "false");
        // the test polls; the source's own timer never comes
        p.put("relay.source.crux-a.initial-delay", "1h");
    }

    @Test
    void newsWaitsGroupWaitThenDigestsAreGroupIntervalApart() throws Exception {
        serve(new CruxConnections().add(ALPHA, "Alpha Foods", "CONFIRMATION WAITING", "Ana García", "ana@example.com"));

        poll();
        assertThat(received()).as("group-wait has not passed").isEmpty();

        clock().advance(Duration.ofSeconds(30));
        check();
        assertThat(received()).hasSize(1);

        serve(new CruxConnections()
                .add(ALPHA, "Alpha Foods", "CONFIRMATION WAITING", "Ana García", "ana@example.com")
                .add(BETA, "Beta Logistics", "CONFIRMATION WAITING", "Ana García", "ana@example.com"));
        poll();
        clock().advance(Duration.ofMinutes(1));
        check();
        assertThat(received()).as("group-interval has not passed since the first digest").hasSize(1);

        clock().advance(Duration.ofMinutes(4));
        check();
        assertThat(received()).hasSize(2);
        MimeMessage second = received().get(1);
        assertThat(section(text(second), "NEW SINCE THE LAST DIGEST")).contains("Beta Logistics");
        assertThat(section(text(second), "STILL WAITING")).contains("Alpha Foods");

        clock().advance(Duration.ofHours(1));
        check();
        assertThat(received()).as("no news, and the reminder is a day away").hasSize(2);
    }

    private void poll() {
        template.sendBody("direct:poll-crux-a", null);
    }

    private void check() {
        template.sendBody("direct:email-check", null);
    }
}
