package io.connectionrelay.poll;

import org.apache.camel.Exchange;

/**
 * How one vendor authenticates a request. Each vendor's is registered in {@link UpstreamAuths}, so
 * a new vendor brings its own without touching the fetch route.
 */
public interface UpstreamAuth {

    /** Sets the request's credentials for the given source instance. */
    void authorize(Exchange exchange, String sourceId) throws Exception;

    /** Fails at startup, naming the setting, when the source has no usable credentials. */
    void checkConfigured(String sourceId);

    /** The upstream answered 401: forget cached credentials so the retry authenticates afresh. */
    void invalidate(String sourceId);
}
