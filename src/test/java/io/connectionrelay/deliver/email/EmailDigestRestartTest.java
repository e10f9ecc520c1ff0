package io.connectionrelay.deliver.email;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import javax.sql.DataSource;

import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.Test;

/**
 * relay.email.window=cron: gathered connections wait in the state database, across a restart,
 * until the window closes.
 */
class EmailDigestRestartTest extends EmailTestSupport {

    @Override
    protected void testProperties(Properties p) {
        super.testProperties(p);
        p.put("relay.email.window", "cron");
        // never during a test run: the test closes the window itself
        p.put("relay.email.schedule", "0 0 8 1 1 ? 2099");
    }

    @Test
    void gatheredConnectionsSurviveARestartAndGoOutWhenTheWindowCloses() throws Exception {
        serve(new CruxConnections()
                .pending("Alpha Foods", "Ana García", "ana@example.com")
                .pending("Sūn Démíng (孫德明) 贸易", "Ana García", "ana@example.com")
                .pending("Beta Logistics", "Wei Zhang", "wei@example.com"));

        assertThat(runOnce()).isZero();
        assertThat(smtp.getReceivedMessages()).isEmpty();
        DataSource state = context.getRegistry().lookupByNameAndType("relayDataSource", DataSource.class);
        List<String> stored = storedGroups(state);
        assertThat(stored).hasSize(2).noneMatch(group -> group.contains("fixed-token-123"));

        context.stop();
        CamelContext restarted = createCamelContext();
        restarted.start();
        try (ProducerTemplate producer = restarted.createProducerTemplate()) {
            producer.sendBody("direct:email-close-window", null);
        } finally {
            restarted.stop();
        }

        MimeMessage[] received = smtp.getReceivedMessages();
        assertThat(received).hasSize(2);
        MimeMessage ana = ((InternetAddress) received[0].getAllRecipients()[0]).getAddress().equals("ana@example.com")
                ? received[0] : received[1];
        assertThat(ana.getSubject()).isEqualTo("2 partner connections need attention: 2 pending");
        assertThat(content(leafParts(ana).get(1))).contains("Alpha Foods", "Sūn Démíng (孫德明) 贸易")
                .doesNotContain("Beta Logistics");
    }

    /** The serialized groups as raw text: enough to see which strings were stored. */
    private static List<String> storedGroups(DataSource dataSource) throws Exception {
        List<String> groups = new ArrayList<>();
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT exchange FROM email_digest")) {
            while (rows.next()) {
                groups.add(new String(rows.getBytes(1), StandardCharsets.ISO_8859_1));
            }
        }
        return groups;
    }
}
