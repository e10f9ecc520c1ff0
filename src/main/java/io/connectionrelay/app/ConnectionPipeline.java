package io.connectionrelay.app;

import io.connectionrelay.core.CycleContext;
import io.connectionrelay.core.DeadLetter;
import io.connectionrelay.core.DeadLetters;
import io.connectionrelay.core.RoutingTable;
import io.connectionrelay.core.Settings;
import io.connectionrelay.enrich.ConnectionHistory;
import io.connectionrelay.enrich.RecordEnricher;
import io.connectionrelay.normalize.CruxConnectionMapper;
import io.connectionrelay.normalize.DuplicateConnections;
import io.connectionrelay.normalize.Normalizer;
import io.connectionrelay.normalize.TerminalConnectionMapper;
import io.connectionrelay.normalize.VendorMapper;
import io.connectionrelay.ops.CycleLog;
import io.connectionrelay.ops.RelayMetrics;
import io.connectionrelay.record.RecordJson;
import io.connectionrelay.route.ChannelRouter.ChannelChunk;
import io.connectionrelay.route.ChannelRouter;
import io.connectionrelay.route.Channels.Channel;
import io.connectionrelay.route.Channels;
import io.connectionrelay.trace.ConnectionTrace;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.spi.Registry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pipeline, every hop named in order. Between hops the body is a chunk of records
 * (List&lt;ConnectionRecord&gt;, relay.pipeline.chunk-size of them) and the poll cycle travels as
 * one {@link CycleContext}. Hops marked YAML are in routes/ (operators edit them without a
 * rebuild); the others are below.
 * <pre>
 *  1 poll       timer -&gt; direct:poll-SOURCE          YAML routes/poll/VENDOR-source.yaml, one route per relay.sources
 *                 GET + auth + retry (direct:upstream-fetch, UpstreamFetchRoutes); the body split into chunks
 *  2 normalize  direct:normalize-VENDOR               vendor elements -&gt; records (VendorMapper)
 *  3 enrich     direct:enrich                         repeats dropped, account manager, connection history
 *                                                     (one SELECT per chunk; writes on their own thread)
 *  4 route      direct:route                          routing table: one chunk per channel
 *  5 deliver    direct:deliver-CHANNEL                YAML routes/deliver/CHANNEL.yaml, channels registered below
 *  6 cycle end  direct:cycle-end, direct:cycle-failed the history's writes awaited, each channel's hooks
 *  7 dead letter                                      every failure handler builds a DeadLetter (FailurePolicies,
 *                                                     or a stage setting one record aside) for the DeadLetterStore
 * </pre>
 */
public class ConnectionPipeline extends RouteBuilder {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionPipeline.class);

    /** The endpoint a channel's share of a chunk is sent to; set per share, read by the recipient list. */
    private static final String DELIVER_TO = "relayDeliverTo";

    @Override
    public void configure() throws Exception {
        Registry registry = getContext().getRegistry();
        Settings settings = new Settings(getContext());
        DeadLetters deadLetters = registry.findSingleByType(DeadLetters.class);
        RelayMetrics metrics = registry.findSingleByType(RelayMetrics.class);

        // 2 normalize: one route per vendor
        normalize("normalize-crux", "direct:normalize-crux", new CruxConnectionMapper(settings), deadLetters);
        normalize("normalize-terminal", "direct:normalize-terminal", new TerminalConnectionMapper(settings), deadLetters);

        // 3 enrich: a connection listed twice in one cycle goes through once, before the connection
        // history could see it change status within the cycle
        DuplicateConnections duplicates = registry.findSingleByType(DuplicateConnections.class);
        RecordEnricher enricher = registry.findSingleByType(RecordEnricher.class);
        from("direct:enrich").routeId("enrich").routeConfigurationId("enrich")
                .process(e -> {
                    CycleContext cycle = CycleContext.of(e);
                    e.getMessage().setBody(enricher.enrich(cycle, duplicates.firstInCycle(cycle,
                            RecordJson.chunk(e.getMessage().getBody()))));
                })
                .to("direct:route");

        // 4 route, 5 deliver
        Channels channels = channels();
        registry.bind("channels", channels);
        ChannelRouter router = new ChannelRouter(registry.findSingleByType(RoutingTable.class), channels, metrics,
                registry.findSingleByType(CycleLog.class), registry.findSingleByType(ConnectionTrace.class));
        from("direct:route").routeId("route").routeConfigurationId("route")
                .process(e -> e.getMessage().setBody(router.route(CycleContext.of(e),
                        RecordJson.chunk(e.getMessage().getBody()))))
                .split(body())
                    .process(ConnectionPipeline::toChannel)
                    .recipientList(exchangeProperty(DELIVER_TO))
                .end();

        // 6 cycle end: the cycle's connection history written (a failed write fails the cycle here,
        // before any channel publishes), metrics, each channel's hook in registration order, the cycle's line
        ConnectionHistory history = registry.findSingleByType(ConnectionHistory.class);
        // no error handler of its own: a failure here is the poll route's (FailurePolicies "upstream"),
        // which dead-letters the cycle and ends it as failed
        RouteDefinition ended = from("direct:cycle-end").routeId("cycle-end").errorHandler(noErrorHandler())
                .process(e -> {
                    CycleContext cycle = CycleContext.of(e);
                    history.flush(cycle.id());
                    metrics.polled(cycle.source(), cycle.elements());
                    duplicates.cycleEnded(cycle);
                });
        channels.cycleEndHooks().forEach(ended::to);
        ended.bean("cycleOutcomes", "succeeded").bean("cycleLog", "succeeded");

        RouteDefinition failed = from("direct:cycle-failed").routeId("cycle-failed")
                .bean("cycleOutcomes", "failed")
                .process(e -> {
                    CycleContext cycle = CycleContext.of(e);
                    duplicates.cycleEnded(cycle);
                    flushFailedCycle(history, cycle);
                });
        channels.cycleFailedHooks().forEach(failed::to);
        failed.bean("cycleLog", "failed");
    }

    /**
     * 5 deliver: the channels, each with its routes in routes/deliver/NAME.yaml. A new channel is
     * one line here, its YAML, and its name in the routing table.
     */
    static Channels channels() {
        return new Channels()
                .register(new Channel("csv", "direct:deliver-csv", "direct:cycle-end-csv", "direct:cycle-failed-csv"))
                .register(new Channel("email", "direct:deliver-email", "direct:cycle-end-email",
                        "direct:cycle-failed-email"))
                .register(new Channel("webhook", "direct:deliver-webhook", null, null));
    }

    private void normalize(String step, String endpoint, VendorMapper mapper, DeadLetters deadLetters) {
        Normalizer normalizer = new Normalizer(step, endpoint, mapper, deadLetters);
        from(endpoint).routeId(step).routeConfigurationId("normalize")
                .process(e -> e.getMessage().setBody(normalizer.normalize(e)))
                .to("direct:enrich");
    }

    /**
     * A failed cycle's records that did go through keep their history, written before the next
     * cycle starts; that those writes failed too is logged, since the cycle is failing already.
     */
    private static void flushFailedCycle(ConnectionHistory history, CycleContext cycle) throws InterruptedException {
        try {
            history.flush(cycle.id());
        } catch (IllegalStateException e) {
            LOG.error("Cycle {} of {} failed, and so did its connection history writes: {}", cycle.id(),
                    cycle.source(), e.getMessage());
        }
    }

    private static void toChannel(Exchange exchange) {
        ChannelChunk share = exchange.getMessage().getBody(ChannelChunk.class);
        exchange.setProperty(DeadLetter.CHANNEL, share.channel().name());
        exchange.setProperty(DELIVER_TO, share.channel().deliver());
        exchange.getMessage().setBody(share.records());
    }
}
