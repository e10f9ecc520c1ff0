package io.connectionrelay.poll;

import io.connectionrelay.core.Settings;
import org.apache.camel.Exchange;

/**
 * Terminal authentication: the application's secret key from relay.source.ID.api-key, sent as a
 * Bearer token on every call. The key does not expire, so there is nothing to cache or refresh.
 */
public class TerminalAuth implements UpstreamAuth {

    private final Settings settings;

    public TerminalAuth(Settings settings) {
        this.settings = settings;
    }

    @Override
    public void authorize(Exchange exchange, String sourceId) {
        exchange.getMessage().setHeader("Authorization", "Bearer " + apiKey(sourceId));
    }

    @Override
    public void checkConfigured(String sourceId) {
        apiKey(sourceId);
    }

    @Override
    public void invalidate(String sourceId) {
        // a fixed key: a 401 means it is wrong or revoked, and the retry shows the same key once more
    }

    private String apiKey(String sourceId) {
        return settings.require("relay.source." + sourceId + ".api-key",
                "Terminal source " + sourceId + " needs the application's secret API key");
    }
}
