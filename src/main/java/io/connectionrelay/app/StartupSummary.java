package io.connectionrelay.app;

import io.connectionrelay.core.SecretMasker;
import io.connectionrelay.core.Settings;
import java.util.List;

import io.connectionrelay.cluster.ClusterSettings;
import io.connectionrelay.core.RoutingTable;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.StartupListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs, once the routes exist, what this process will do: profile, sources, routing, channels and
 * where output goes, with every secret masked.
 */
public class StartupSummary implements StartupListener {

    private static final Logger LOG = LoggerFactory.getLogger(StartupSummary.class);

    private final Settings settings;

    public StartupSummary(Settings settings) {
        this.settings = settings;
    }

    @Override
    public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
        if (alreadyStarted) {
            return;
        }
        RoutingTable routing = context.getRegistry().lookupByNameAndType("routingTable", RoutingTable.class);
        LOG.info(render(context, routing));
    }

    public String render(CamelContext context, RoutingTable routing) {
        SecretMasker masker = new SecretMasker(settings);
        StringBuilder text = new StringBuilder("connection-relay started\n");
        text.append("  profile:      ").append(settings.get("relay.profile").orElse(RelayApplication.DEFAULT_PROFILE))
                .append('\n');
        text.append("  mode:         ").append(settings.getBoolean("relay.once") ? "one-shot" : "scheduled")
                .append('\n');
        ClusterSettings cluster = context.getRegistry().lookupByNameAndType("clusterSettings", ClusterSettings.class);
        if (cluster != null && cluster.enabled()) {
            text.append("  cluster:      cluster mode, instance ").append(cluster.instanceId())
                    .append(", failover within ").append(cluster.failoverTime().toMillis() / 1000.0).append("s\n");
        }
        List<String> sources = context.getRoutes().stream().map(Route::getRouteId).filter(id -> id.startsWith("poll-"))
                .map(id -> id.substring(5)).sorted().toList();
        text.append("  sources:\n");
        for (String id : sources) {
            String prefix = "relay.source." + id + ".";
            text.append("    ").append(id).append(": ").append(settings.get(prefix + "vendor").orElse("?"))
                    .append(" at ").append(settings.get(prefix + "base-url").orElse("?"))
                    .append(", every ").append(settings.getString(prefix + "period"))
                    .append(", auth ").append(authDescription(prefix)).append('\n');
        }
        text.append("  routing:\n");
        routing.asMap().forEach((status, channels) -> text.append("    ").append(status).append(" -> ")
                .append(channels.isEmpty() ? "(dropped: no channel)" : String.join(", ", channels)).append('\n'));
        text.append("  channels:\n");
        for (String channel : routing.channels()) {
            text.append("    ").append(channel).append(": ").append(settings.get("relay." + channel + ".summary")
                    .orElse("see relay." + channel + ".*")).append('\n');
        }
        text.append("  dead letters: ").append(cluster != null && cluster.enabled()
                ? "the state database, shared by the replicas" : settings.getString("relay.dead-letter.folder"))
                .append('\n');
        // a password inside the URL is masked with the rest of the text
        text.append("  state:        ").append(settings.getString("relay.state.jdbc-url"));
        return masker.mask(text.toString());
    }

    private String authDescription(String prefix) {
        if (settings.get(prefix + "token").isPresent()) {
            return "fixed token " + SecretMasker.MASK;
        }
        if (settings.get(prefix + "api-key").isPresent()) {
            return "API key " + SecretMasker.MASK;
        }
        return settings.get(prefix + "username").map(u -> "login as " + u + " (password " + SecretMasker.MASK + ")")
                .orElse("none configured");
    }
}
