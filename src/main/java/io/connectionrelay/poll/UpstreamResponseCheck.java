package io.connectionrelay.poll;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import io.connectionrelay.runtime.Exchanges;
import org.apache.camel.Exchange;
import org.apache.camel.StreamCache;

/**
 * Turns an upstream HTTP answer into success or a typed failure; a transient one carries the
 * upstream's Retry-After, which {@link UpstreamRetryDelay} honours.
 */
public class UpstreamResponseCheck {

    static final int BODY_SNIPPET = 2048;

    public void verify(Exchange exchange) throws UpstreamException {
        int status = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        if (status >= 200 && status < 300) {
            return;
        }
        String source = exchange.getProperty(Exchanges.SOURCE, String.class);
        String what = source + " answered HTTP " + status + " for " + exchange.getMessage().getHeader(Exchange.HTTP_URI);
        String body = snippet(exchange);
        if (status == 401) {
            UpstreamAuth auth = exchange.getContext().getRegistry()
                    .lookupByNameAndType(exchange.getProperty(Exchanges.VENDOR, String.class) + "Auth", UpstreamAuth.class);
            if (auth != null) {
                auth.invalidate(source);
            }
            throw new UpstreamException.Unauthorized(what + ": credentials rejected", body);
        }
        if (status == 408 || status == 429 || status >= 500) {
            Duration retryAfter = Backoff.parseRetryAfter(exchange.getMessage().getHeader("Retry-After", String.class));
            throw new UpstreamException.Transient(what, status, body, null, retryAfter);
        }
        throw new UpstreamException.Permanent(what, status, body);
    }

    public void ioFailure(Exchange exchange) throws UpstreamException {
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        throw new UpstreamException.Transient(exchange.getProperty(Exchanges.SOURCE, String.class)
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
