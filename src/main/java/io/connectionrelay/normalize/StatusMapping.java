package io.connectionrelay.normalize;

import io.connectionrelay.core.RecordMappingException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

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

    public static StatusMapping forVendor(Settings settings, String vendor, String defaults) {
        String key = "relay.vendor." + vendor + ".status-mapping";
        String text = settings.get(key, defaults);
        Map<String, CanonicalStatus> mapping = new LinkedHashMap<>();
        for (String pair : text.split(",")) {
            int colon = pair.lastIndexOf(':');
            if (colon < 1) {
                throw Settings.invalid(key, text, "pairs like 'ACTIVE:ACTIVE,DEACTIVATED:INACTIVE'");
            }
            String canonical = pair.substring(colon + 1).trim().toUpperCase(Locale.ROOT);
            try {
                mapping.put(normalize(pair.substring(0, colon)), CanonicalStatus.valueOf(canonical));
            } catch (IllegalArgumentException e) {
                throw Settings.invalid(key, text, "pairs whose right side is ACTIVE, PENDING or INACTIVE");
            }
        }
        return new StatusMapping(key, mapping);
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
