package io.connectionrelay.deliver.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Properties;

import io.connectionrelay.core.Settings;
import io.connectionrelay.record.CanonicalStatus;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

/** Subscriber and watch-field settings: read with defaults, and every mistake names its setting. */
class WebhookSettingsTest {

    static final String SECRET = "whsec_Y3JtLWItdGVzdC1zZWNyZXQtMzItYnl0ZXMtbG9uZyE=";

    static Settings settings(String... keyValues) {
        Properties properties = new Properties();
        properties.put("relay.webhook.subscribers", "crm-a");
        properties.put("relay.webhook.subscriber.crm-a.url", "https://crm.example.com/hooks?key=k");
        properties.put("relay.webhook.subscriber.crm-a.secret", SECRET);
        for (int i = 0; i < keyValues.length; i += 2) {
            properties.put(keyValues[i], keyValues[i + 1]);
        }
        DefaultCamelContext context = new DefaultCamelContext();
        context.getPropertiesComponent().setInitialProperties(properties);
        return new Settings(context);
    }

    @Test
    void readsASubscriberWithTheChannelDefaults() {
        WebhookSubscriber crm = new WebhookSubscribers(settings(
                "relay.webhook.timeout", "3s", "relay.webhook.max-retries", "7",
                "relay.webhook.subscriber.crm-a.statuses", "inactive,PENDING",
                "relay.webhook.subscriber.crm-a.sources", "crux-eu")).require("crm-a");

        assertThat(crm.timeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(crm.maxRetries()).isEqualTo(7);
        assertThat(crm.concurrency()).isEqualTo(20);
        assertThat(crm.statuses()).containsExactly(CanonicalStatus.INACTIVE, CanonicalStatus.PENDING);
        assertThat(crm.wantsSource("crux-eu")).isTrue();
        assertThat(crm.wantsSource("crux-us")).isFalse();
        assertThat(crm.address()).isEqualTo("https://crm.example.com");
    }

    @Test
    void aMistakeNamesTheSettingAndItsEnvironmentVariable() {
        assertThatThrownBy(() -> new WebhookSubscribers(settings("relay.webhook.subscriber.crm-a.url", "crm.example.com")))
                .hasMessageContaining("relay.webhook.subscriber.crm-a.url")
                .hasMessageContaining("RELAY_WEBHOOK_SUBSCRIBER_CRM_A_URL");
        assertThatThrownBy(() -> new WebhookSubscribers(settings("relay.webhook.subscriber.crm-a.statuses", "DELETED")))
                .hasMessageContaining("relay.webhook.subscriber.crm-a.statuses");
        assertThatThrownBy(() -> new WebhookSubscribers(settings("relay.webhook.subscribers", "crm-a,crm b")))
                .hasMessageContaining("relay.webhook.subscribers");
        assertThatThrownBy(() -> new WebhookSubscribers(settings("relay.webhook.subscribers", "crm-a,crm-b")))
                .hasMessageContaining("relay.webhook.subscriber.crm-b.url");
        assertThatThrownBy(() -> new WatchedFields(settings("relay.webhook.watch-fields", "accountManager.mail")))
                .hasMessageContaining("relay.webhook.watch-fields");
    }

    @Test
    void aBadSecretIsReportedWithoutItsValue() {
        String notBase64 = "whsec_this-is-not-base64!!";
        assertThatThrownBy(() -> new WebhookSubscribers(settings("relay.webhook.subscriber.crm-a.secret", notBase64)))
                .hasMessageContaining("relay.webhook.subscriber.crm-a.secret")
                .hasMessageContaining("RELAY_WEBHOOK_SUBSCRIBER_CRM_A_SECRET")
                .hasMessageNotContaining("this-is-not-base64");
    }

    @Test
    void watchesStatusAlwaysAndNestedRecordFieldsOnRequest() {
        assertThat(new WatchedFields(settings()).paths()).containsExactly("status");
        assertThat(new WatchedFields(settings("relay.webhook.watch-fields", "accountManager.email,lastSync.status"))
                .paths()).containsExactly("status", "accountManager.email", "lastSync.status");
    }

    @Test
    void theStartupSummaryLineResolvesWithoutSubscribers() {
        Settings settings = settings("relay.webhook.subscribers", "",
                "relay.webhook.summary", "signed webhooks to subscribers [{{relay.webhook.subscribers}}]");
        assertThat(settings.get("relay.webhook.summary")).contains("signed webhooks to subscribers []");
    }
}
