package io.connectionrelay.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import io.connectionrelay.record.CanonicalStatus;
import io.connectionrelay.route.RoutingTable;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.MainListenerSupport;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.RouteDefinition;

/**
 * Refuses a routing table that names a channel no route delivers (a channel is any route from
 * direct:deliver-NAME, YAML or Java). It runs once every route is defined and before the context
 * starts, so the problem is reported like any other configuration problem: once, without Camel's
 * own "error starting" stack trace. Register it as both a configuration and a main listener.
 */
public class RoutingCheck extends MainListenerSupport implements CamelConfiguration {

    private static final String DELIVER = "direct:deliver-";

    private CamelContext context;

    /** Camel Main hands the context over here; a test harness's Main has none of its own to ask. */
    @Override
    public void configure(CamelContext context) {
        this.context = context;
    }

    @Override
    public void afterConfigure(BaseMainSupport main) {
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
