package io.connectionrelay.poll;

import java.util.Map;
import java.util.Set;

import io.connectionrelay.core.Settings;

/** Each vendor's {@link UpstreamAuth}, registered by name where the application is wired. */
public final class UpstreamAuths {

    private final Map<String, UpstreamAuth> byVendor;

    public UpstreamAuths(Map<String, UpstreamAuth> byVendor) {
        this.byVendor = Map.copyOf(byVendor);
    }

    public Set<String> vendors() {
        return byVendor.keySet();
    }

    /** The vendor's auth; a vendor nobody registered is a configuration error naming the setting. */
    public UpstreamAuth of(String vendor) {
        UpstreamAuth auth = byVendor.get(vendor);
        if (auth == null) {
            throw new IllegalStateException("no authentication is registered for vendor " + vendor);
        }
        return auth;
    }

    UpstreamAuth forSource(Settings settings, String sourceId, String vendor) {
        UpstreamAuth auth = byVendor.get(vendor);
        if (auth == null) {
            throw Settings.invalid("relay.source." + sourceId + ".vendor", vendor, "a known vendor " + vendors());
        }
        return auth;
    }
}
