package io.connectionrelay.route;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The delivery channels, registered by name where the pipeline is declared: the endpoint that
 * takes a chunk of records routed to the channel, and the endpoints that hear about the end (or
 * failure) of a poll cycle, for channels that gather per cycle. The routing table names channels
 * from here; nothing is discovered from route or endpoint names.
 */
public final class Channels {

    /**
     * @param deliver     takes a chunk (List of ConnectionRecord) of one cycle
     * @param cycleEnd    told when a cycle ended, or null
     * @param cycleFailed told when a cycle failed (what it gathered must not be published), or null
     */
    public record Channel(String name, String deliver, String cycleEnd, String cycleFailed) {
    }

    private final Map<String, Channel> byName = new LinkedHashMap<>();

    public Channels register(Channel channel) {
        byName.put(channel.name(), channel);
        return this;
    }

    public Channel named(String name) {
        return Objects.requireNonNull(byName.get(name), () -> "no channel named " + name + " is registered");
    }

    public Set<String> names() {
        return byName.keySet();
    }

    public List<String> cycleEndHooks() {
        List<String> hooks = new ArrayList<>();
        byName.values().stream().map(Channel::cycleEnd).filter(Objects::nonNull).forEach(hooks::add);
        return hooks;
    }

    public List<String> cycleFailedHooks() {
        List<String> hooks = new ArrayList<>();
        byName.values().stream().map(Channel::cycleFailed).filter(Objects::nonNull).forEach(hooks::add);
        return hooks;
    }
}
