package io.connectionrelay.runtime;

import org.apache.camel.builder.RouteConfigurationBuilder;

/**
 * Error handling for the record stages, normalization on (routeConfigurationId "stage"): a record a
 * stage cannot process goes to the dead-letter store alone, and the rest of the batch goes on.
 * Channels that talk to remote systems declare their own retrying configuration.
 */
public class StageErrorConfiguration extends RouteConfigurationBuilder {

    @Override
    public void configuration() {
        routeConfiguration("stage")
                .onException(Exception.class)
                    .logStackTrace(false)
                    .handled(true)
                    .to("direct:dead-letter")
                .end();
    }
}
