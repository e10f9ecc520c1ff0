package io.connectionrelay.core;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.Route;

/**
 * The last step of an onException that gives up: builds the {@link DeadLetter} from what this
 * handler declares (stage, and what a replay needs beyond the cycle) and what the exchange holds
 * (the failure, the payload, the cycle), and hands it to the {@link DeadLetters}.
 * <pre>
 *   .onException(Exception.class).handled(true).process(DeadLetterPolicy.stage("deliver").keepHeaders("webhook-id"))
 * </pre>
 */
public final class DeadLetterPolicy implements Processor {

    private final String stage;
    private Function<Exchange, String> replayUri;
    private final List<String> properties = new ArrayList<>();
    private final List<String> headers = new ArrayList<>();
    private Class<? extends Throwable> answerStatusFor;
    private String channel;

    private DeadLetterPolicy(String stage) {
        this.stage = stage;
    }

    public static DeadLetterPolicy stage(String stage) {
        return new DeadLetterPolicy(stage);
    }

    /** The channel the failure belongs to, when the routes this handles belong to one. */
    public DeadLetterPolicy channel(String name) {
        this.channel = name;
        return this;
    }

    /**
     * Where a replay sends the payload. Without it: the endpoint a route declared
     * ({@link DeadLetter#REPLAY_URI}), else the failed route's own.
     */
    public DeadLetterPolicy replayUri(Function<Exchange, String> uri) {
        this.replayUri = uri;
        return this;
    }

    /** Exchange properties a replay needs besides the cycle's. */
    public DeadLetterPolicy keepProperties(String... names) {
        properties.addAll(List.of(names));
        return this;
    }

    /** Message headers a replay needs. */
    public DeadLetterPolicy keepHeaders(String... names) {
        headers.addAll(List.of(names));
        return this;
    }

    /** For this failure the answer's status is in the message (a 200 whose body is unusable). */
    public DeadLetterPolicy answerStatusFor(Class<? extends Throwable> failure) {
        this.answerStatusFor = failure;
        return this;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        if (!exchange.getContext().getRegistry().findSingleByType(DeadLetters.class).write(letter(exchange))) {
            exchange.setProperty(DeadLetter.NOT_STORED, true);
        }
    }

    DeadLetter letter(Exchange exchange) {
        Throwable error = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        String step = exchange.getProperty(Exchange.FAILURE_ROUTE_ID, String.class);
        CycleContext cycle = CycleContext.find(exchange);
        Map<String, String> kept = new LinkedHashMap<>();
        if (cycle != null) {
            kept.putAll(cycle.asProperties());
        }
        for (String name : properties) {
            String value = exchange.getProperty(name, String.class);
            if (value != null) {
                kept.put(name, value);
            }
        }
        Map<String, String> keptHeaders = new LinkedHashMap<>();
        for (String name : headers) {
            String value = exchange.getMessage().getHeader(name, String.class);
            if (value != null) {
                keptHeaders.put(name, value);
            }
        }
        Integer status = null;
        if (error instanceof HttpFailure answered) {
            status = answered.httpStatus() == 0 ? null : answered.httpStatus();
        } else if (answerStatusFor != null && answerStatusFor.isInstance(error)) {
            status = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        }
        return new DeadLetter(stage, step, cycle == null ? null : cycle.source(),
                channel != null ? channel : exchange.getProperty(DeadLetter.CHANNEL, String.class),
                error, AttemptCount.of(exchange, error), exchange.getMessage().getBody(), replayUri(exchange, step),
                kept, keptHeaders, status, exchange.getProperty(DeadLetter.REPLAY_OF, String.class));
    }

    private String replayUri(Exchange exchange, String step) {
        if (replayUri != null) {
            return replayUri.apply(exchange);
        }
        String declared = exchange.getProperty(DeadLetter.REPLAY_URI, String.class);
        if (declared != null) {
            return declared;
        }
        Route route = step == null ? null : exchange.getContext().getRoute(step);
        return route == null ? null : route.getEndpoint().getEndpointUri();
    }
}
