package io.connectionrelay.deliver.webhook;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import io.connectionrelay.core.ConfigurationException;
import io.connectionrelay.core.Settings;
import io.connectionrelay.record.CanonicalStatus;

/**
 * The subscribers in relay.webhook.subscribers, each read from relay.webhook.subscriber.ID.* and
 * checked at startup, so a typo fails the start naming the setting instead of failing deliveries
 * (ranges and required settings by SettingsSchema; ids, statuses and secrets here). Adding a
 * subscriber is configuration only.
 */
public class WebhookSubscribers {

    public static final String LIST = "relay.webhook.subscribers";

    private final Map<String, WebhookSubscriber> byId = new LinkedHashMap<>();

    public WebhookSubscribers(Settings settings) {
        Duration timeout = settings.getDuration("relay.webhook.timeout", Duration.ofSeconds(10));
        int maxRetries = settings.getInt("relay.webhook.max-retries", 5);
        int concurrency = settings.getInt("relay.webhook.concurrency", 20);
        for (String id : settings.getList(LIST)) {
            if (!id.matches("[A-Za-z0-9_-]{1,64}")) {
                throw Settings.invalid(LIST, settings.get(LIST, ""),
                        "subscriber ids of letters, digits, '-' and '_' (they name queues and routes)");
            }
            byId.put(id, read(settings, id, timeout, maxRetries, concurrency));
        }
    }

    public Collection<WebhookSubscriber> all() {
        return byId.values();
    }

    public boolean isEmpty() {
        return byId.isEmpty();
    }

    /** A dead-lettered event may outlive its subscriber's configuration: say so instead of queueing it nowhere. */
    public void check(String id) {
        require(id);
    }

    public WebhookSubscriber require(String id) {
        WebhookSubscriber subscriber = id == null ? null : byId.get(id);
        if (subscriber == null) {
            throw new IllegalStateException("webhook subscriber '" + id + "' is not configured: add it to " + LIST
                    + " (environment variable " + Settings.envName(LIST) + ")");
        }
        return subscriber;
    }

    private static WebhookSubscriber read(Settings settings, String id, Duration defaultTimeout, int defaultRetries,
            int defaultConcurrency) {
        String prefix = "relay.webhook.subscriber." + id + ".";
        return new WebhookSubscriber(
                id,
                url(settings, prefix + "url", id),
                signer(settings, prefix + "secret", id),
                statuses(settings, prefix + "statuses"),
                new LinkedHashSet<>(settings.getList(prefix + "sources")),
                settings.getDuration(prefix + "timeout", defaultTimeout),
                settings.getInt(prefix + "max-retries", defaultRetries),
                settings.getInt(prefix + "concurrency", defaultConcurrency));
    }

    private static URI url(Settings settings, String key, String id) {
        String value = settings.require(key, "where webhook subscriber " + id + " receives events (https://...)");
        try {
            URI url = new URI(value);
            String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
            if ((scheme.equals("http") || scheme.equals("https")) && url.getHost() != null) {
                return url;
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        throw Settings.invalid(key, value, "an http:// or https:// URL");
    }

    /** The secret's value never appears in an error: startup errors are printed as they are. */
    private static WebhookSigner signer(Settings settings, String key, String id) {
        String secret = settings.require(key, "webhook subscriber " + id
                + "'s Standard Webhooks signing secret (whsec_ followed by base64)");
        try {
            return WebhookSigner.fromSecret(secret);
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException("Setting " + key + " (environment variable " + Settings.envName(key)
                    + ") is not a usable signing secret: " + e.getMessage());
        }
    }

    private static Set<CanonicalStatus> statuses(Settings settings, String key) {
        Set<CanonicalStatus> statuses = new LinkedHashSet<>();
        for (String name : settings.getList(key)) {
            try {
                statuses.add(CanonicalStatus.valueOf(name.toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw Settings.invalid(key, settings.get(key, ""), "canonical statuses: ACTIVE, PENDING, INACTIVE");
            }
        }
        return statuses;
    }
}
