package io.connectionrelay.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import io.connectionrelay.record.CanonicalStatus;
import io.connectionrelay.route.RoutingTable;
import org.apache.camel.CamelContext;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.MainListenerSupport;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.RouteDefinition;

/**
 * Refuses a routing table that names a channel no route delivers (a channel is any route from
 * direct:deliver-NAME, YAML or Java). It runs once every route is defined and before the context
 * starts, so the problem is reported like any other configuration problem: once, without Camel's
 * own "error starting" stack trace.
 */
public class RoutingCheck extends MainListenerSupport {

    private static final String DELIVER = "direct:deliver-";

    @Override
    public void afterConfigure(BaseMainSupport main) {
        CamelContext context = main.getCamelContext();
        RoutingTable routing = context.getRegistry().lookupByNameAndType("routingTable", RoutingTable.class);
        Set<String> channels = context.getCamelContextExtension().getContextPlugin(ModelCamelContext.class)
                .getRouteDefinitions().stream().map(RouteDefinition::getEndpointUrl)
                .filter(u -> u != null && u.startsWith(DELIVER)).map(u -> u.substring(DELIVER.length()))
                .collect(Collectors.toCollection(TreeSet::new));
        List<String> problems = new ArrayList<>();
        for (CanonicalStatus status : CanonicalStatus.values()) {
            if (!channels.containsAll(routing.channelsFor(status))) {
                problems.add(Settings.invalid(RoutingTable.key(status), String.join(",", routing.channelsFor(status)),
                        "channels that exist; known channels are " + String.join(", ", channels)).getMessage());
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigurationException(problems);
        }
    }
}
