package io.connectionrelay.enrich;

import org.apache.camel.builder.RouteBuilder;

/** Stage: normalized record in, enriched record out (both as record JSON). */
public class EnrichRoutes extends RouteBuilder {

    @Override
    public void configure() {
        from("direct:enrich").routeId("enrich").routeConfigurationId("stage")
                .bean("recordEnricher", "enrich(${body})")
                .to("direct:route");
    }
}
