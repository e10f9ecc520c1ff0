package io.connectionrelay.poll;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import io.connectionrelay.core.CycleContext;
import io.connectionrelay.core.HttpAnswer;
import org.apache.camel.Exchange;
import org.apache.camel.StreamCache;

/**
 * Turns an upstream HTTP answer into success or a typed failure; a transient one carries the
 * upstream's Retry-After, which {@link UpstreamRetryDelay} honours.
 */
public class UpstreamResponseCheck {

    static final int BODY_SNIPPET = 2048;

    private final UpstreamAuths auths;

    public UpstreamResponseCheck(UpstreamAuths auths) {
        this.auths = auths;
    }

    public void verify(Exchange exchange) throws UpstreamException {
        int status = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        HttpAnswer answer = HttpAnswer.of(status);
        if (answer == HttpAnswer.SUCCESS) {
            return;
        }
        CycleContext cycle = CycleContext.of(exchange);
        String what = cycle.source() + " answered HTTP " + status + " for " + exchange.getMessage().getHeader(Exchange.HTTP_URI);
        String body = snippet(exchange);
        switch (answer) {
            case REAUTHENTICATE -> {
                auths.of(cycle.vendor()).invalidate(cycle.source());
                throw new UpstreamException.Unauthorized(what + ": credentials rejected", body);
            }
            case TRANSIENT -> throw new UpstreamException.Transient(what, status, body, null,
                    HttpAnswer.retryAfter(exchange.getMessage().getHeader("Retry-After", String.class)));
            default -> throw new UpstreamException.Permanent(what, status, body);
        }
    }

    public void ioFailure(Exchange exchange) throws UpstreamException {
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        throw new UpstreamException.Transient(CycleContext.of(exchange).source()
                + " could not be reached: " + cause, 0, null, cause);
    }

    private static String snippet(Exchange exchange) {
        Object body = exchange.getMessage().getBody();
        if (body == null) {
            return null;
        }
        if (body instanceof StreamCache cache) {
            cache.reset();
        }
        try (InputStream in = exchange.getContext().getTypeConverter().convertTo(InputStream.class, exchange, body)) {
            return in == null ? null : new String(in.readNBytes(BODY_SNIPPET), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(body unreadable: " + e.getMessage() + ")";
        } finally {
            if (body instanceof StreamCache cache) {
                cache.reset();
            }
        }
    }
}
