package io.connectionrelay.deliver.email;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import io.connectionrelay.app.OneShotRun;
import jakarta.mail.internet.MimeMessage;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.Test;

/**
 * What each manager was told lives in the state database: a relay restarted between two cycles
 * neither repeats a digest nor loses news.
 */
class EmailDigestRestartTest extends EmailTestSupport {

    static final String ALPHA = "a1111111-1111-4111-8111-111111111111";
    static final String BETA = "b2222222-2222-4222-8222-222222222222";
    static final String WEI = "e5555555-5555-4555-8555-555555555555";

    @Test
    void aRestartBetweenCyclesRepeatsNoDigestAndLosesNoNews() throws Exception {
        serve(new CruxConnections()
                .add(ALPHA, "Alpha Foods", "CONFIRMATION WAITING", "Ana García", "ana@example.com")
                .add(WEI, "Beta Logistics", "CONFIRMATION WAITING", "Wei Zhang", "wei@example.com"));
        assertThat(runOnce()).isZero();
        assertThat(received()).hasSize(2);

        // while the relay is down, a connection is added for Ana
        context.stop();
        serve(new CruxConnections()
                .add(ALPHA, "Alpha Foods", "CONFIRMATION WAITING", "Ana García", "ana@example.com")
                .add(BETA, "Sūn Démíng (孫德明) 贸易", "CONFIRMATION WAITING", "Ana García", "ana@example.com")
                .add(WEI, "Beta Logistics", "CONFIRMATION WAITING", "Wei Zhang", "wei@example.com"));
        assertThat(runOnceRestarted()).isZero();

        assertThat(received()).hasSize(3);
        // GreenMail lists messages per mailbox, each in the order received
        List<MimeMessage> toAna = received().stream()
                .filter(m -> recipient(m).equals("ana@example.com")).toList();
        assertThat(toAna).hasSize(2);
        MimeMessage ana = toAna.get(1);
        assertThat(section(text(ana), "NEW SINCE THE LAST DIGEST")).contains("Sūn Démíng (孫德明) 贸易")
                .doesNotContain("Alpha Foods");
        assertThat(section(text(ana), "STILL WAITING")).contains("Alpha Foods");

        assertThat(runOnceRestarted()).isZero();
        assertThat(received()).hasSize(3);
    }

    /** One --once run on a new relay (new context and beans) over the same data folders and database. */
    private int runOnceRestarted() throws Exception {
        CamelContext restarted = restarted();
        try {
            return OneShotRun.run(restarted);
        } finally {
            restarted.stop();
        }
    }

    private CamelContext restarted() throws Exception {
        context.stop();
        CamelContext restarted = createCamelContext();
        restarted.start();
        return restarted;
    }
}
