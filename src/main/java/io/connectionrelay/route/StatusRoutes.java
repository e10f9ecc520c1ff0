package io.connectionrelay.route;

import java.util.List;

import io.connectionrelay.record.CanonicalStatus;
import io.connectionrelay.record.ConnectionRecord;
import io.connectionrelay.record.RecordJson;
import io.connectionrelay.runtime.Exchanges;
import io.connectionrelay.ops.CycleLog;
import io.connectionrelay.ops.RelayMetrics;
import io.connectionrelay.trace.ConnectionTrace;
import org.apache.camel.builder.RouteBuilder;

/**
 * Stage: sends each enriched record to the channels the routing table names for its status, and
 * tells every channel when a source's cycle has ended (CSV files are closed, digest windows may
 * close) or failed (a half-written CSV is discarded).
 */
public class StatusRoutes extends RouteBuilder {

    private static final String RECIPIENTS = "relayRecipients";
    private static final String HOOKS = "relayHooks";

    @Override
    public void configure() {
        RoutingTable table = getContext().getRegistry().lookupByNameAndType("routingTable", RoutingTable.class);
        RelayMetrics metrics = getContext().getRegistry().lookupByNameAndType("relayMetrics", RelayMetrics.class);
        CycleLog cycleLog = getContext().getRegistry().lookupByNameAndType("cycleLog", CycleLog.class);
        ConnectionTrace trace = getContext().getRegistry().lookupByNameAndType("relayTrace", ConnectionTrace.class);

        from("direct:route").routeId("route").routeConfigurationId("stage")
                .process(exchange -> {
                    ConnectionRecord record = RecordJson.read(exchange.getMessage().getBody(String.class));
                    CanonicalStatus status = record.status();
                    List<String> channels = table.channelsFor(status);
                    metrics.routed(status, channels);
                    cycleLog.routed(exchange, channels);
                    trace.routed(exchange, record, channels);
                    exchange.setProperty(RECIPIENTS, channels.stream().map(c -> "direct:deliver-" + c).toList());
                })
                .recipientList(exchangeProperty(RECIPIENTS));

        from("direct:cycle-end").routeId("cycle-end")
                .bean("relayMetrics", "polled(${exchangeProperty." + Exchanges.SOURCE + "}, "
                        + "${exchangeProperty.relayElementCount})")
                .process(e -> e.setProperty(HOOKS, ChannelHooks.hooks(e.getContext(), "cycle-end")))
                .recipientList(exchangeProperty(HOOKS))
                .bean("cycleOutcomes", "succeeded")
                .bean("cycleLog", "succeeded");

        from("direct:cycle-failed").routeId("cycle-failed")
                .bean("cycleOutcomes", "failed")
                .process(e -> e.setProperty(HOOKS, ChannelHooks.hooks(e.getContext(), "cycle-failed")))
                .recipientList(exchangeProperty(HOOKS))
                .bean("cycleLog", "failed");
    }
}
