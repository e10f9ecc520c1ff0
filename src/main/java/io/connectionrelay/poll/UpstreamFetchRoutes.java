package io.connectionrelay.poll;

import java.io.IOException;

import io.connectionrelay.runtime.Exchanges;
import io.connectionrelay.runtime.Settings;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;

/**
 * One authenticated GET to an upstream vendor, shared by every source template. The caller sets
 * CamelHttpUri and the source/vendor properties. This route has no error handler of its own: a
 * failure surfaces at the caller's to("direct:upstream-fetch"), so a retry repeats the whole
 * fetch, credentials included.
 */
public class UpstreamFetchRoutes extends RouteBuilder {

    @Override
    public void configure() {
        UpstreamResponseCheck check = new UpstreamResponseCheck(new Settings(getContext()));

        from("direct:upstream-fetch").routeId("upstream-fetch")
                .errorHandler(noErrorHandler())
                .removeHeader(Exchange.REDELIVERY_DELAY)
                .process(UpstreamFetchRoutes::authorize)
                .setHeader(Exchange.HTTP_METHOD, constant("GET"))
                .setHeader("Accept", constant("application/json"))
                .setBody(constant(null))
                .doTry()
                    .to("http:upstream?throwExceptionOnFailure=false")
                .doCatch(IOException.class)
                    .process(check::ioFailure)
                .end()
                .process(check::verify);
    }

    private static void authorize(Exchange exchange) throws Exception {
        String vendor = exchange.getProperty(Exchanges.VENDOR, String.class);
        UpstreamAuth auth = exchange.getContext().getRegistry().lookupByNameAndType(vendor + "Auth", UpstreamAuth.class);
        if (auth == null) {
            throw new IllegalStateException("no bean named " + vendor + "Auth authenticates vendor " + vendor);
        }
        auth.authorize(exchange, exchange.getProperty(Exchanges.SOURCE, String.class));
    }
}
