package io.connectionrelay.poll;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import io.connectionrelay.runtime.Exchanges;
import io.connectionrelay.runtime.Settings;
import org.apache.camel.Exchange;
import org.apache.camel.StreamCache;

/**
 * Turns an upstream HTTP answer into success or a typed failure. For transient failures it also
 * sets the delay before the next attempt, since only here is the Retry-After header at hand.
 */
public class UpstreamResponseCheck {

    static final int BODY_SNIPPET = 2048;

    private final Backoff backoff;

    public UpstreamResponseCheck(Settings settings) {
        this.backoff = new Backoff(
                settings.getDuration("relay.upstream.retry.initial-delay", Duration.ofSeconds(1)),
                2.0,
                settings.getDuration("relay.upstream.retry.max-delay", Duration.ofSeconds(30)));
    }

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
            scheduleRetry(exchange, retryAfter);
            throw new UpstreamException.Transient(what, status, body, null);
        }
        throw new UpstreamException.Permanent(what, status, body);
    }

    public void ioFailure(Exchange exchange) throws UpstreamException {
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        scheduleRetry(exchange, null);
        throw new UpstreamException.Transient(exchange.getProperty(Exchanges.SOURCE, String.class)
                + " could not be reached: " + cause, 0, null, cause);
    }

    private void scheduleRetry(Exchange exchange, Duration retryAfter) {
        int attempt = exchange.getMessage().getHeader(Exchange.REDELIVERY_COUNTER, 0, Integer.class);
        exchange.getMessage().setHeader(Exchange.REDELIVERY_DELAY, backoff.delayMillis(attempt, retryAfter));
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
