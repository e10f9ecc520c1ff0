package io.connectionrelay.deliver.email;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import javax.sql.DataSource;

import io.connectionrelay.core.Settings;
import jakarta.mail.internet.MimeMessage;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

/**
 * relay.email.window=cron in a time zone: on the schedule, every manager with anything to tell
 * gets it, whatever the news; until then connections wait in the state database.
 */
class EmailCronWindowTest extends EmailTestSupport {

    static final String SCHEDULE = "email-window-schedule";

    @Override
    protected void testProperties(Properties p) {
        super.testProperties(p);
        p.put("relay.email.window", "cron");
        // every two seconds, read in India's time zone; each test decides when the route runs
        p.put("relay.email.schedule", "*/2 * * * * ?");
        p.put("relay.email.time-zone", "Asia/Kolkata");
    }

    @Test
    void theScheduleIsReadInTheTimeZone() throws Exception {
        try (DefaultCamelContext settings = new DefaultCamelContext()) {
            Properties p = new Properties();
            p.put("relay.email.window", "cron");
            p.put("relay.email.schedule", "0 0 8 ? * MON-FRI");
            p.put("relay.email.time-zone", "Europe/Berlin");
            settings.getPropertiesComponent().setInitialProperties(p);
            DigestWindow window = DigestWindow.of(new Settings(settings));

            assertThat(window.zone()).isEqualTo(ZoneId.of("Europe/Berlin"));
            // NOW is Monday 13:00 in Berlin: the next weekday 08:00 there is Tuesday 07:00 UTC
            assertThat(window.nextScheduled(NOW)).isEqualTo(Instant.parse("2026-11-24T07:00:00Z"));
            assertThat(window.nextScheduled(Instant.parse("2026-11-27T07:00:00Z")))
                    .as("Friday's 08:00 Berlin passed: Monday's").isEqualTo(Instant.parse("2026-11-30T07:00:00Z"));
        }
    }

    @Test
    void gatheredConnectionsWaitForTheScheduleAndGoOutWhenItFires() throws Exception {
        context.getRouteController().stopRoute(SCHEDULE);
        serve(new CruxConnections()
                .pending("Alpha Foods", "Ana García", "ana@example.com")
                .pending("Sūn Démíng (孫德明) 贸易", "Ana García", "ana@example.com")
                .pending("Beta Logistics", "Wei Zhang", "wei@example.com"));

        assertThat(runOnce()).isZero();
        assertThat(received()).as("a one-shot run with a cron window sends nothing itself").isEmpty();
        assertThat(storedRecords()).hasSize(3).noneMatch(json -> json.contains("fixed-token-123"));

        context.getRouteController().startRoute(SCHEDULE);
        await().atMost(Duration.ofSeconds(20)).until(() -> received().size() >= 2);
        context.getRouteController().stopRoute(SCHEDULE);

        MimeMessage ana = received().stream().filter(m -> recipient(m).equals("ana@example.com")).findFirst()
                .orElseThrow();
        assertThat(ana.getSubject()).isEqualTo("2 partner connections need attention: 2 new");
        assertThat(section(text(ana), "NEW SINCE THE LAST DIGEST")).contains("Alpha Foods", "Sūn Démíng (孫德明) 贸易");
        assertThat(ana.getSentDate().toInstant()).isEqualTo(NOW);
        // NOW is 17:30 in India
        assertThat(text(ana)).contains("Sent by connection-relay at 2026-11-23 17:30 IST");
        assertThat(received()).anySatisfy(m -> assertThat(recipient(m)).isEqualTo("wei@example.com"));
    }

    private List<String> storedRecords() throws Exception {
        DataSource state = context.getRegistry().lookupByNameAndType("relayDataSource", DataSource.class);
        List<String> records = new ArrayList<>();
        try (Connection connection = state.getConnection(); Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT record_json FROM email_digest_connection")) {
            while (rows.next()) {
                records.add(rows.getString(1));
            }
        }
        return records;
    }

}
