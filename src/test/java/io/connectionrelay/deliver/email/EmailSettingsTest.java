package io.connectionrelay.deliver.email;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.util.Properties;

import io.connectionrelay.core.RoutingTable;
import io.connectionrelay.core.Settings;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

/** A mistake in the email settings stops startup with the name of the setting and its environment variable. */
class EmailSettingsTest {

    @Test
    void anUnknownWindowNamesTheSetting() {
        assertThatThrownBy(() -> register("relay.email.window", "weekly"))
                .hasMessageContaining("relay.email.window (environment variable RELAY_EMAIL_WINDOW) is 'weekly'");
    }

    @Test
    void anUnknownTimeZoneNamesTheSetting() {
        assertThatThrownBy(() -> register("relay.email.window", "cron", "relay.email.time-zone", "Mars/Olympus"))
                .hasMessageContaining("relay.email.time-zone (environment variable RELAY_EMAIL_TIME_ZONE) is "
                        + "'Mars/Olympus'")
                .hasMessageContaining("Europe/Berlin");
    }

    @Test
    void aWaitNeedsAUnit() {
        assertThatThrownBy(() -> register("relay.email.repeat-interval", "24"))
                .hasMessageContaining("relay.email.repeat-interval (environment variable RELAY_EMAIL_REPEAT_INTERVAL)")
                .hasMessageContaining("a duration with a unit");
    }

    @Test
    void aCronWindowNeedsAValidSchedule() {
        assertThatThrownBy(() -> register("relay.email.window", "cron", "relay.email.schedule", "every morning"))
                .hasMessageContaining("relay.email.schedule (environment variable RELAY_EMAIL_SCHEDULE)")
                .hasMessageContaining("0 0 8 ? * MON-FRI");
    }

    @Test
    void routedEmailOverSmtpNeedsAHost() {
        assertThatThrownBy(() -> register("relay.routing.pending", "email", "relay.email.from", "relay@example.com"))
                .hasMessageContaining("Missing setting relay.email.smtp.host (environment variable "
                        + "RELAY_EMAIL_SMTP_HOST)");
    }

    @Test
    void routedEmailNeedsAFromAddress() {
        assertThatThrownBy(() -> register("relay.routing.pending", "email", "relay.email.transport", "outbox"))
                .hasMessageContaining("Missing setting relay.email.from (environment variable RELAY_EMAIL_FROM)");
    }

    @Test
    void anUnknownSecurityModeNamesTheSetting() {
        assertThatThrownBy(() -> register("relay.email.smtp.security", "tls"))
                .hasMessageContaining("relay.email.smtp.security (environment variable RELAY_EMAIL_SMTP_SECURITY)")
                .hasMessageContaining("none, starttls or smtps");
    }

    private static void register(String... keysAndValues) throws Exception {
        Properties properties = new Properties();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            properties.setProperty(keysAndValues[i], keysAndValues[i + 1]);
        }
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            context.getPropertiesComponent().setInitialProperties(properties);
            Settings settings = new Settings(context);
            context.getRegistry().bind("routingTable", new RoutingTable(settings));
            EmailChannel.register(context, settings, Clock.systemUTC());
        }
    }
}
