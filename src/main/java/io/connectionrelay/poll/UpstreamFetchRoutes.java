package io.connectionrelay.poll;

import java.io.IOException;
import java.util.Set;
import java.util.TreeSet;

import io.connectionrelay.core.CycleContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;

/**
 * One authenticated GET to an upstream vendor, shared by every source template. The caller sets
 * CamelHttpUri; the exchange belongs to a poll cycle ({@link CycleContext}). This route has no error handler of its own: a
 * failure surfaces at the caller's to("direct:upstream-fetch"), so a retry repeats the whole
 * fetch, credentials included.
 * <p>
 * The caller gets its own headers back plus CamelHttpResponseCode and Content-Type: credentials
 * are removed as soon as the request is sent, and the upstream's response headers (cookies
 * among them) never travel on to the stages and channels, which could send them elsewhere.
 */
public class UpstreamFetchRoutes extends RouteBuilder {

    private static final String CALLER_HEADERS = "relayCallerHeaders";
    private static final String CREDENTIAL_HEADERS = "relayCredentialHeaders";
    private static final Set<String> RESULT_HEADERS = caseInsensitive(Set.of(Exchange.HTTP_RESPONSE_CODE,
            Exchange.CONTENT_TYPE));

    private UpstreamAuths auths;

    @Override
    public void configure() {
        auths = getContext().getRegistry().findSingleByType(UpstreamAuths.class);
        UpstreamResponseCheck check = new UpstreamResponseCheck(auths);

        from("direct:upstream-fetch").routeId("upstream-fetch")
                .errorHandler(noErrorHandler())
                .process(e -> e.setProperty(CALLER_HEADERS, headerNames(e)))
                .process(this::authorize)
                .setHeader(Exchange.HTTP_METHOD, constant("GET"))
                .setHeader("Accept", constant("application/json"))
                .setBody(constant(null))
                .doTry()
                    .to("http:upstream?throwExceptionOnFailure=false")
                .doCatch(IOException.class)
                    .process(check::ioFailure)
                .doFinally()
                    .process(UpstreamFetchRoutes::forgetCredentials)
                .end()
                .process(check::verify)
                .process(UpstreamFetchRoutes::keepCallerHeaders);
    }

    private void authorize(Exchange exchange) throws Exception {
        CycleContext cycle = CycleContext.of(exchange);
        UpstreamAuth auth = auths.of(cycle.vendor());
        Set<String> before = headerNames(exchange);
        auth.authorize(exchange, cycle.source());
        Set<String> added = headerNames(exchange);
        added.removeAll(before);
        exchange.setProperty(CREDENTIAL_HEADERS, added);
    }

    private static void forgetCredentials(Exchange exchange) {
        Set<?> credentials = exchange.getProperty(CREDENTIAL_HEADERS, Set.class);
        if (credentials != null) {
            credentials.forEach(name -> exchange.getMessage().removeHeader((String) name));
        }
        exchange.removeProperty(CREDENTIAL_HEADERS);
    }

    private static void keepCallerHeaders(Exchange exchange) {
        Set<?> caller = exchange.getProperty(CALLER_HEADERS, Set.class);
        exchange.getMessage().getHeaders().keySet()
                .removeIf(name -> !caller.contains(name) && !RESULT_HEADERS.contains(name));
        exchange.removeProperty(CALLER_HEADERS);
    }

    private static Set<String> headerNames(Exchange exchange) {
        return caseInsensitive(exchange.getMessage().getHeaders().keySet());
    }

    private static Set<String> caseInsensitive(Set<String> names) {
        Set<String> set = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        set.addAll(names);
        return set;
    }
}
