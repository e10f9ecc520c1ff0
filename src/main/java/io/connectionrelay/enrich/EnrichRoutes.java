package io.connectionrelay.enrich;

import org.apache.camel.builder.RouteBuilder;

/**
 * Stage: normalized record in, enriched record out (both as record JSON). A connection listed
 * twice in one cycle goes through once (normalize/DuplicateConnections), before the connection
 * history could see it change status within the cycle.
 */
public class EnrichRoutes extends RouteBuilder {

    @Override
    public void configure() {
        from("direct:enrich").routeId("enrich").routeConfigurationId("stage")
                .filter(method("duplicateConnections", "firstInCycle"))
                    .bean("recordEnricher", "enrich(${body})")
                    .to("direct:route");

        // told at every cycle's end or failure, like a channel (route/ChannelHooks)
        from("direct:cycle-end-duplicates").routeId("cycle-end-duplicates")
                .bean("duplicateConnections", "cycleEnded");
        from("direct:cycle-failed-duplicates").routeId("cycle-failed-duplicates")
                .bean("duplicateConnections", "cycleEnded");
    }
}
