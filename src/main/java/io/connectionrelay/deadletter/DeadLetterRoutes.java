package io.connectionrelay.deadletter;

import org.apache.camel.builder.RouteBuilder;

/** Every stage's exhausted failure arrives here with the exception still on the exchange. */
public class DeadLetterRoutes extends RouteBuilder {

    @Override
    public void configure() {
        from("direct:dead-letter").routeId("dead-letter")
                .errorHandler(defaultErrorHandler().logExhausted(true).logStackTrace(true))
                .bean("relayTrace", "deadLetterSubjects")
                .bean("deadLetterStore", "write")
                .bean("relayTrace", "deadLettered");
    }
}
