package io.connectionrelay.deliver.webhook;

import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.connectionrelay.core.SettingKind;
import io.connectionrelay.core.Settings;
import io.connectionrelay.record.ConnectionRecord;

/**
 * What counts as a change for subscribers: the status always, plus the record fields named in
 * relay.webhook.watch-fields, by their record JSON names, dotted for nested ones (vendorStatus,
 * accountManager.email, lastSync.status). The ledger keeps a SHA-256 fingerprint of the watched
 * values rather than the values, so the state database holds no personal data.
 */
public final class WatchedFields {

    public static final String KEY = "relay.webhook.watch-fields";
    static final String STATUS = "status";

    /** What relay.webhook.watch-fields takes, checked with every other setting at startup. */
    public static final SettingKind FORM = SettingKind.of("fields of the canonical record such as status, "
            + "vendorStatus, accountManager.email or lastSync.status",
            fields -> Settings.parseList(fields).stream().allMatch(WatchedFields::isRecordField));

    private final List<String> paths = new ArrayList<>();

    public WatchedFields(Settings settings) {
        FORM.check(KEY, settings.getString(KEY));
        paths.add(STATUS);
        for (String path : settings.getList(KEY)) {
            if (!paths.contains(path)) {
                paths.add(path);
            }
        }
    }

    public List<String> paths() {
        return paths;
    }

    /** The watched values of one record (its JSON tree), hashed; null values count as values. */
    public String fingerprint(JsonNode record) {
        ArrayNode values = JsonNodeFactory.instance.arrayNode();
        for (String path : paths) {
            JsonNode value = record.at("/" + path.replace('.', '/'));
            values.add(value.isMissingNode() ? JsonNodeFactory.instance.nullNode() : value);
        }
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(values.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available in this JVM", e);
        }
    }

    /** Walks the record types, so a misspelt field fails at startup rather than never changing. */
    static boolean isRecordField(String path) {
        Class<?> type = ConnectionRecord.class;
        for (String segment : path.split("\\.", -1)) {
            if (!type.isRecord()) {
                return false;
            }
            Class<?> next = null;
            for (RecordComponent component : type.getRecordComponents()) {
                if (component.getName().equals(segment)) {
                    next = component.getType();
                }
            }
            if (next == null) {
                return false;
            }
            type = next;
        }
        return true;
    }
}
