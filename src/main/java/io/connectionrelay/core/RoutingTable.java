package io.connectionrelay.core;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import io.connectionrelay.record.CanonicalStatus;

/**
 * Which channels a record goes to, by canonical status: relay.routing.active=csv,
 * relay.routing.pending=email,webhook and so on. A channel is a name registered in
 * {@link Channels}; startup fails when the table names one that is not.
 */
public class RoutingTable {

    private final Map<CanonicalStatus, List<String>> table = new LinkedHashMap<>();

    public RoutingTable(Settings settings) {
        for (CanonicalStatus status : CanonicalStatus.values()) {
            table.put(status, settings.getList(key(status)));
        }
    }

    public static String key(CanonicalStatus status) {
        return "relay.routing." + status.name().toLowerCase(Locale.ROOT);
    }

    public List<String> channelsFor(CanonicalStatus status) {
        return table.get(status);
    }

    public Set<String> channels() {
        Set<String> all = new LinkedHashSet<>();
        table.values().forEach(all::addAll);
        return all;
    }

    public Map<CanonicalStatus, List<String>> asMap() {
        return table;
    }
}
