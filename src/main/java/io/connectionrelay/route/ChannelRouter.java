package io.connectionrelay.route;

import io.connectionrelay.core.RoutingTable;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.connectionrelay.core.CycleContext;
import io.connectionrelay.ops.CycleLog;
import io.connectionrelay.ops.RelayMetrics;
import io.connectionrelay.record.CanonicalStatus;
import io.connectionrelay.record.ConnectionRecord;
import io.connectionrelay.trace.ConnectionTrace;

/**
 * The route stage: a chunk of enriched records in, one chunk per channel out, each holding the
 * records the routing table sends that channel (in the chunk's order). A record whose status
 * routes nowhere is counted and goes no further.
 */
public class ChannelRouter {

    /** One channel's share of a chunk. */
    public record ChannelChunk(Channels.Channel channel, List<ConnectionRecord> records) {
    }

    private final RoutingTable table;
    private final Channels channels;
    private final RelayMetrics metrics;
    private final CycleLog cycleLog;
    private final ConnectionTrace trace;

    public ChannelRouter(RoutingTable table, Channels channels, RelayMetrics metrics, CycleLog cycleLog,
            ConnectionTrace trace) {
        this.table = table;
        this.channels = channels;
        this.metrics = metrics;
        this.cycleLog = cycleLog;
        this.trace = trace;
    }

    public List<ChannelChunk> route(CycleContext cycle, List<ConnectionRecord> chunk) {
        Map<String, List<ConnectionRecord>> byChannel = new LinkedHashMap<>();
        Map<CanonicalStatus, Long> perStatus = new EnumMap<>(CanonicalStatus.class);
        for (ConnectionRecord record : chunk) {
            perStatus.merge(record.status(), 1L, Long::sum);
            List<String> routed = table.channelsFor(record.status());
            for (String channel : routed) {
                byChannel.computeIfAbsent(channel, c -> new ArrayList<>()).add(record);
            }
        }
        trace.routed(cycle, chunk, table::channelsFor);
        perStatus.forEach((status, count) -> metrics.routed(status, table.channelsFor(status), count));
        Map<String, Long> perChannel = new LinkedHashMap<>();
        byChannel.forEach((name, records) -> perChannel.put(name, (long) records.size()));
        long nowhere = perStatus.entrySet().stream().filter(e -> table.channelsFor(e.getKey()).isEmpty())
                .mapToLong(Map.Entry::getValue).sum();
        if (nowhere > 0) {
            perChannel.put(RelayMetrics.NO_CHANNEL, nowhere);
        }
        cycleLog.routed(cycle, chunk.size(), perChannel);
        List<ChannelChunk> out = new ArrayList<>(byChannel.size());
        byChannel.forEach((name, records) -> out.add(new ChannelChunk(channels.named(name), records)));
        return out;
    }
}
