package io.connectionrelay.poll;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.connectionrelay.core.HttpAnswer;
import io.connectionrelay.core.SecretMasker;
import io.connectionrelay.core.Settings;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;

/**
 * Crux TIMP authentication: a fixed token when relay.source.ID.token is set, otherwise a login
 * with username and password whose token is cached until shortly before its two-hour expiry.
 */
public class CruxAuth implements UpstreamAuth {

    static final String LOGIN_PATH = "/timp/organizations/user-login/";

    private final CamelContext context;
    private final Settings settings;
    private final Clock clock;
    private final ObjectMapper json = new ObjectMapper();
    private final Map<String, CachedToken> tokens = new ConcurrentHashMap<>();
    private ProducerTemplate producer;

    record CachedToken(String value, Instant refreshAt) {
    }

    public CruxAuth(CamelContext context, Settings settings) {
        this(context, settings, Clock.systemUTC());
    }

    CruxAuth(CamelContext context, Settings settings, Clock clock) {
        this.context = context;
        this.settings = settings;
        this.clock = clock;
    }

    @Override
    public void authorize(Exchange exchange, String sourceId) throws Exception {
        exchange.getMessage().setHeader("Authorization", "Token " + token(sourceId));
    }

    @Override
    public void checkConfigured(String sourceId) {
        String prefix = "relay.source." + sourceId + ".";
        if (settings.get(prefix + "token").isEmpty()) {
            String why = "Crux source " + sourceId + " needs either " + prefix + "token or a username and password";
            settings.require(prefix + "username", why);
            settings.require(prefix + "password", why);
        }
    }

    @Override
    public void invalidate(String sourceId) {
        tokens.remove(sourceId);
    }

    String token(String sourceId) throws UpstreamException {
        String prefix = "relay.source." + sourceId + ".";
        Optional<String> fixed = settings.get(prefix + "token");
        if (fixed.isPresent()) {
            return fixed.get();
        }
        CachedToken cached = tokens.get(sourceId);
        if (cached != null && clock.instant().isBefore(cached.refreshAt())) {
            return cached.value();
        }
        CachedToken fresh = login(sourceId, prefix);
        tokens.put(sourceId, fresh);
        return fresh.value();
    }

    private CachedToken login(String sourceId, String prefix) throws UpstreamException {
        String why = "Crux source " + sourceId + " needs either " + prefix + "token or a username and password";
        String username = settings.require(prefix + "username", why);
        String password = settings.require(prefix + "password", why);
        String url = settings.require(prefix + "base-url", "the Crux API address, e.g. https://api.cruxconnect.com")
                + LOGIN_PATH;
        Duration ttl = settings.getDuration(prefix + "token-ttl");

        Exchange answer = producer().request("http:crux-login?throwExceptionOnFailure=false", ex -> {
            ex.getMessage().setHeader(Exchange.HTTP_URI, url);
            ex.getMessage().setHeader(Exchange.HTTP_METHOD, "POST");
            ex.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
            ex.getMessage().setBody(json.writeValueAsString(Map.of("username", username, "password", password)));
        });
        if (answer.getException() != null) {
            throw new UpstreamException.Transient("Crux login for " + sourceId + " failed: " + answer.getException(),
                    0, null, answer.getException());
        }
        int status = answer.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        String body = answer.getMessage().getBody(String.class);
        switch (HttpAnswer.of(status)) {
            case SUCCESS -> {
            }
            case TRANSIENT -> throw new UpstreamException.Transient("Crux login for " + sourceId + " answered HTTP "
                    + status, status, body, null,
                    HttpAnswer.retryAfter(answer.getMessage().getHeader("Retry-After", String.class)));
            default -> throw new UpstreamException.Permanent("Crux login for " + sourceId + " was refused (HTTP "
                    + status + "): check " + prefix + "username and " + prefix + "password", status, body);
        }
        try {
            // a 2xx without a body (204) reads as an empty document
            JsonNode token = json.readTree(body == null ? "" : body).path("auth_token");
            if (!token.isTextual() || token.asText().isBlank()) {
                throw new UpstreamException.Permanent("Crux login for " + sourceId + " returned no auth_token",
                        status, null);
            }
            context.getRegistry().lookupByNameAndType("secretMasker", SecretMasker.class).remember(token.asText());
            return new CachedToken(token.asText(), clock.instant().plus(ttl));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UpstreamException.Permanent("Crux login for " + sourceId + " returned malformed JSON", status,
                    null);
        }
    }

    private synchronized ProducerTemplate producer() {
        if (producer == null) {
            producer = context.createProducerTemplate();
        }
        return producer;
    }
}
