package io.connectionrelay.deliver.email;

import java.util.HashSet;
import java.util.Set;
import java.util.stream.Collectors;

import io.connectionrelay.core.CycleContext;
import org.apache.camel.Exchange;
import org.apache.camel.Route;

/**
 * In a one-shot run (--once) digests go out when every source's cycle has ended, not at each
 * one's end, so a manager with connections in several sources gets one email for the run.
 */
public final class OneShotCycles {

    private final Set<String> ended = new HashSet<>();

    /** Notes the exchange's source as ended; true once for the run, when it was the last one. */
    public synchronized boolean lastOfRun(Exchange exchange) {
        ended.add(CycleContext.of(exchange).source());
        // the same routes OneShotRun polls: one per enabled source
        Set<String> sources = exchange.getContext().getRoutes().stream().map(Route::getRouteId)
                .filter(id -> id.startsWith("poll-")).map(id -> id.substring("poll-".length()))
                .collect(Collectors.toSet());
        if (!ended.containsAll(sources)) {
            return false;
        }
        ended.clear();
        return true;
    }
}
