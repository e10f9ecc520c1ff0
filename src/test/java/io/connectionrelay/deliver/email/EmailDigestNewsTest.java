package io.connectionrelay.deliver.email;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Properties;

import io.connectionrelay.poll.TerminalApi;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;

/**
 * The news window over two sources, a Crux and a Terminal instance, whose pending connections
 * all belong to one manager: one digest for both, then only news, each resolution once, and a
 * reminder after repeat-interval. One-shot runs, as --once does them; the clock only moves when
 * the test says so.
 */
class EmailDigestNewsTest extends EmailTestSupport {

    static final String ALPHA = "a1111111-1111-4111-8111-111111111111";
    static final String BETA = "b2222222-2222-4222-8222-222222222222";
    static final String GAMMA = "c3333333-3333-4333-8333-333333333333";
    static final String DELTA = "d4444444-4444-4444-8444-444444444444";
    static final String TERMINAL_KEY = "sk_test_terminal_email";
    /** The Terminal fixture's one pending (disconnected) connection; its last sync failed. */
    static final String TERMINAL_PENDING = "Stevens, Smith and \"Krause\" Freight";

    @Override
    protected void testProperties(Properties p) {
        super.testProperties(p);
        p.put("relay.sources", "crux-a,fleet");
        p.put("relay.source.fleet.vendor", "terminal");
        p.put("relay.source.fleet.base-url", crux.baseUrl() + TerminalApi.BASE);
        p.put("relay.source.fleet.api-key", TERMINAL_KEY);
        p.put("relay.source.fleet.page-limit", "2");
        // Terminal sends no manager: the default one, who also manages the Crux connections
        p.put("relay.enrich.directory-file", "");
        p.put("relay.enrich.default-manager.name", "Ana García");
        p.put("relay.enrich.default-manager.email", "ana@example.com");
    }

    @Test
    void oneDigestAcrossSourcesThenOnlyNewsEachResolutionOnceAndAReminderWhenNothingChanged() throws Exception {
        TerminalApi.stubPages(crux, TERMINAL_KEY, 2);
        TerminalApi.stubCurrentForAll(crux, TERMINAL_KEY);
        serve(crux("CONFIRMATION WAITING", false));

        assertThat(runOnce()).isZero();

        MimeMessage first = single(received());
        assertThat(((InternetAddress) first.getAllRecipients()[0]).getAddress()).isEqualTo("ana@example.com");
        assertThat(first.getSubject()).isEqualTo("3 partner connections need attention: 3 new; 1 sync problem");
        assertThat(section(text(first), "NEW SINCE THE LAST DIGEST"))
                .contains("Alpha Foods", "Beta Logistics", TERMINAL_PENDING).doesNotContain("Gamma Active");
        assertThat(section(text(first), "STILL WAITING")).isEmpty();
        assertThat(html(first)).contains("<a href=\"https://www.alphafoods.example\">Alpha Foods</a>",
                "<a href=\"mailto:contact0@partner.example\">contact0@partner.example</a>");

        // the same poll again: nothing to tell
        assertThat(runOnce()).isZero();
        assertThat(received()).hasSize(1);

        serve(crux("CONFIRMATION WAITING", true));
        assertThat(runOnce()).isZero();

        assertThat(received()).hasSize(2);
        MimeMessage news = received().get(1);
        assertThat(news.getSubject()).isEqualTo("4 partner connections need attention: 1 new, 3 still waiting; 1 sync problem");
        assertThat(section(text(news), "NEW SINCE THE LAST DIGEST")).contains("Delta Traders")
                .doesNotContain("Alpha Foods", "Beta Logistics", TERMINAL_PENDING);
        assertThat(section(text(news), "STILL WAITING")).contains("Alpha Foods", "Beta Logistics", TERMINAL_PENDING,
                "waiting 12 days").doesNotContain("Delta Traders");

        serve(crux("ACTIVE", true));
        assertThat(runOnce()).isZero();

        assertThat(received()).hasSize(3);
        MimeMessage resolved = received().get(2);
        assertThat(resolved.getSubject()).isEqualTo("3 partner connections need attention: 3 still waiting, 1 resolved; 1 sync problem");
        assertThat(section(text(resolved), "RESOLVED SINCE THE LAST DIGEST")).contains("Alpha Foods: now Active");
        assertThat(section(text(resolved), "STILL WAITING")).doesNotContain("Alpha Foods");
        assertThat(section(text(resolved), "NEW SINCE THE LAST DIGEST")).isEmpty();

        // resolved is told once; an hour on, nothing has changed
        clock().advance(Duration.ofHours(1));
        assertThat(runOnce()).isZero();
        assertThat(received()).hasSize(3);

        // a day after the last digest, nothing new: one reminder
        clock().advance(Duration.ofHours(23));
        assertThat(runOnce()).isZero();

        assertThat(received()).hasSize(4);
        MimeMessage reminder = received().get(3);
        assertThat(reminder.getSubject())
                .isEqualTo("Reminder: 3 partner connections need attention: 3 still waiting; 1 sync problem");
        assertThat(section(text(reminder), "STILL WAITING")).contains("Beta Logistics", "Delta Traders",
                TERMINAL_PENDING);
        assertThat(text(reminder)).doesNotContain("Alpha Foods", "NEW SINCE", "RESOLVED SINCE");

        assertThat(runOnce()).isZero();
        assertThat(received()).hasSize(4);
        assertThat(deadLetters().list()).isEmpty();
    }

    /** Alpha in the given Crux status, Beta pending, Gamma active; Delta (pending) when asked for. */
    private static CruxConnections crux(String alphaStatus, boolean withDelta) {
        CruxConnections connections = new CruxConnections()
                .add(ALPHA, "Alpha Foods", alphaStatus, "Ana García", "ana@example.com")
                .add(BETA, "Beta Logistics", "CONFIRMATION WAITING", "Ana García", "ana@example.com")
                .add(GAMMA, "Gamma Active", "ACTIVE", "Ana García", "ana@example.com");
        return withDelta ? connections.add(DELTA, "Delta Traders", "CONFIRMATION WAITING", "Ana García",
                "ana@example.com") : connections;
    }

    private static MimeMessage single(List<MimeMessage> messages) {
        assertThat(messages).hasSize(1);
        return messages.get(0);
    }
}
