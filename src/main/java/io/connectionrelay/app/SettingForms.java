package io.connectionrelay.app;

import io.connectionrelay.core.RoutingTable;
import io.connectionrelay.core.SettingKind;
import io.connectionrelay.core.Settings;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import io.connectionrelay.deliver.email.DigestRenderer;
import io.connectionrelay.deliver.webhook.WatchedFields;
import io.connectionrelay.deliver.webhook.WebhookSubscribers;
import io.connectionrelay.enrich.AccountManagerDirectory;
import io.connectionrelay.normalize.StatusMapping;
import io.connectionrelay.record.CanonicalStatus;

/**
 * What only the stage that reads a setting can check (a status mapping's pairs, the directory
 * file's rows, a signing secret, the channels a routing table names), by the key SettingsSchema
 * declares it under. The schema checks them with every other setting before anything is built, so
 * an operator sees all problems in one run rather than one per stage.
 */
public final class SettingForms {

    private SettingForms() {
    }

    public static Map<String, SettingKind> all() {
        Map<String, SettingKind> forms = new LinkedHashMap<>();
        forms.put("relay.vendor.crux.status-mapping", StatusMapping.FORM);
        forms.put("relay.vendor.terminal.status-mapping", StatusMapping.FORM);
        forms.put("relay.enrich.directory-file", AccountManagerDirectory.FORM);
        SettingKind channels = knownChannels();
        for (CanonicalStatus status : CanonicalStatus.values()) {
            forms.put(RoutingTable.key(status), channels);
        }
        forms.put(WebhookSubscribers.LIST, WebhookSubscribers.IDS);
        forms.put("relay.webhook.subscriber.<id>.secret", WebhookSubscribers.SECRET);
        forms.put("relay.webhook.subscriber.<id>.statuses", WebhookSubscribers.STATUSES);
        forms.put(WatchedFields.KEY, WatchedFields.FORM);
        forms.put("relay.email.from", DigestRenderer.FROM);
        forms.put("relay.email.templates-folder", DigestRenderer.TEMPLATES);
        return forms;
    }

    /** The channels ConnectionPipeline registers: a routing table naming another would route records nowhere. */
    private static SettingKind knownChannels() {
        Set<String> known = new TreeSet<>(ConnectionPipeline.channels().names());
        return SettingKind.of("channels that exist; known channels are " + String.join(", ", known),
                channels -> known.containsAll(Settings.parseList(channels)));
    }
}
