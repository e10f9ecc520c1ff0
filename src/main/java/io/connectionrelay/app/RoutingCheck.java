package io.connectionrelay.app;

import io.connectionrelay.core.ConfigurationException;
import io.connectionrelay.core.Settings;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import io.connectionrelay.core.RoutingTable;
import io.connectionrelay.record.CanonicalStatus;
import io.connectionrelay.route.Channels;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.MainListenerSupport;

/**
 * Refuses a routing table that names a channel nobody registered (app/ConnectionPipeline's
 * {@link Channels}). It runs once every route is defined and before the context
 * starts, so the problem is reported like any other configuration problem: once, without Camel's
 * own "error starting" stack trace. Register it as both a configuration and a main listener.
 */
public class RoutingCheck extends MainListenerSupport implements CamelConfiguration {

    private CamelContext context;

    /** Camel Main hands the context over here; a test harness's Main has none of its own to ask. */
    @Override
    public void configure(CamelContext context) {
        this.context = context;
    }

    @Override
    public void afterConfigure(BaseMainSupport main) {
        RoutingTable routing = context.getRegistry().lookupByNameAndType("routingTable", RoutingTable.class);
        Set<String> channels = new TreeSet<>(context.getRegistry().lookupByNameAndType("channels", Channels.class)
                .names());
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
