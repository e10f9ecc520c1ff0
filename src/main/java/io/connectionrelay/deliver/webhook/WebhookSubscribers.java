package io.connectionrelay.deliver.webhook;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import io.connectionrelay.core.SettingKind;
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

    /** What relay.webhook.subscribers, and each subscriber's secret and statuses, take: checked with every other setting. */
    public static final SettingKind IDS = SettingKind.of("subscriber ids of letters, digits, '-' and '_' (they name "
            + "queues and routes)", ids -> Settings.parseList(ids).stream().allMatch(id -> id.matches("[A-Za-z0-9_-]{1,64}")));
    public static final SettingKind SECRET = SettingKind.parsedBy("a Standard Webhooks signing secret (whsec_ "
            + "followed by base64)", WebhookSigner::fromSecret);
    public static final SettingKind STATUSES = SettingKind.of("canonical statuses: ACTIVE, PENDING, INACTIVE",
            statuses -> Settings.parseList(statuses).stream().allMatch(WebhookSubscribers::isStatus));

    private final Map<String, WebhookSubscriber> byId = new LinkedHashMap<>();

    public WebhookSubscribers(Settings settings) {
        IDS.check(LIST, settings.getString(LIST));
        for (String id : settings.getList(LIST)) {
            byId.put(id, read(settings, id));
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

    /** Its timeout, max-retries and concurrency are relay.webhook.*'s unless it sets its own (SettingsSchema). */
    private static WebhookSubscriber read(Settings settings, String id) {
        String prefix = "relay.webhook.subscriber." + id + ".";
        return new WebhookSubscriber(
                id,
                url(settings, prefix + "url", id),
                signer(settings, prefix + "secret", id),
                statuses(settings, prefix + "statuses"),
                new LinkedHashSet<>(settings.getList(prefix + "sources")),
                settings.getDuration(prefix + "timeout"),
                settings.getInt(prefix + "max-retries"),
                settings.getInt(prefix + "concurrency"));
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
        SECRET.check(key, secret);
        return WebhookSigner.fromSecret(secret);
    }

    private static Set<CanonicalStatus> statuses(Settings settings, String key) {
        STATUSES.check(key, settings.get(key).orElse(""));
        Set<CanonicalStatus> statuses = new LinkedHashSet<>();
        settings.getList(key).forEach(name -> statuses.add(CanonicalStatus.valueOf(name.toUpperCase(Locale.ROOT))));
        return statuses;
    }

    private static boolean isStatus(String name) {
        return Arrays.stream(CanonicalStatus.values()).anyMatch(s -> s.name().equalsIgnoreCase(name));
    }
}
