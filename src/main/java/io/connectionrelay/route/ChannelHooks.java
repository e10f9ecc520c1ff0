package io.connectionrelay.route;

import java.util.List;

import org.apache.camel.CamelContext;
import org.apache.camel.Route;

/**
 * Channels that care about cycle boundaries consume direct:cycle-end-NAME or
 * direct:cycle-failed-NAME; this finds the ones that exist, so a channel without such a route is
 * simply not told.
 */
public final class ChannelHooks {

    private ChannelHooks() {
    }

    public static List<String> hooks(CamelContext context, String event) {
        String prefix = "direct://" + event + "-";
        return context.getRoutes().stream()
                .map(Route::getEndpoint)
                .map(e -> e.getEndpointUri())
                .filter(uri -> uri.startsWith(prefix))
                .map(uri -> "direct:" + uri.substring("direct://".length()))
                .distinct()
                .toList();
    }
}
