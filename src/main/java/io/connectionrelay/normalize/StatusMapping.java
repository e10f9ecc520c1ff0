package io.connectionrelay.normalize;

import io.connectionrelay.core.RecordMappingException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import io.connectionrelay.core.SettingKind;
import io.connectionrelay.core.Settings;
import io.connectionrelay.record.CanonicalStatus;

/**
 * A vendor's status values mapped to canonical ones, from relay.vendor.VENDOR.status-mapping,
 * written as "VENDOR VALUE:CANONICAL" pairs separated by commas. Matching ignores case.
 */
public final class StatusMapping {

    private final String key;
    private final Map<String, CanonicalStatus> mapping;

    private StatusMapping(String key, Map<String, CanonicalStatus> mapping) {
        this.key = key;
        this.mapping = mapping;
    }

    /** What relay.vendor.VENDOR.status-mapping takes, checked with every other setting at startup. */
    public static final SettingKind FORM = SettingKind.parsedBy("pairs of a vendor status and ACTIVE, PENDING or "
            + "INACTIVE, separated by commas, like 'ACTIVE:ACTIVE,DEACTIVATED:INACTIVE'", StatusMapping::parse);

    public static StatusMapping forVendor(Settings settings, String vendor) {
        String key = "relay.vendor." + vendor + ".status-mapping";
        String text = settings.getString(key);
        FORM.check(key, text);
        return new StatusMapping(key, parse(text));
    }

    private static Map<String, CanonicalStatus> parse(String text) {
        Map<String, CanonicalStatus> mapping = new LinkedHashMap<>();
        for (String pair : text.split(",")) {
            int colon = pair.lastIndexOf(':');
            if (colon < 1) {
                throw new IllegalArgumentException("'" + pair.trim() + "' has no vendor status before a ':'");
            }
            String canonical = pair.substring(colon + 1).trim().toUpperCase(Locale.ROOT);
            try {
                mapping.put(normalize(pair.substring(0, colon)), CanonicalStatus.valueOf(canonical));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("'" + pair.trim() + "' maps to '" + canonical
                        + "', which is not a canonical status");
            }
        }
        return mapping;
    }

    public CanonicalStatus map(String vendorStatus) {
        if (vendorStatus == null) {
            throw new RecordMappingException("the connection has no status");
        }
        CanonicalStatus status = mapping.get(normalize(vendorStatus));
        if (status == null) {
            throw new RecordMappingException("unknown vendor status '" + vendorStatus + "': add it to " + key
                    + " (environment variable " + Settings.envName(key) + ")");
        }
        return status;
    }

    private static String normalize(String value) {
        return value.trim().toUpperCase(Locale.ROOT);
    }
}
