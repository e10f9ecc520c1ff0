package io.connectionrelay.runtime;

import java.time.Clock;
import java.util.Map;
import java.util.Optional;

import javax.sql.DataSource;

import io.connectionrelay.deadletter.AttemptCount;
import io.connectionrelay.deadletter.DeadLetterStore;
import io.connectionrelay.deliver.csv.CsvExport;
import io.connectionrelay.deliver.email.EmailChannel;
import io.connectionrelay.deliver.webhook.WebhookChannel;
import io.connectionrelay.normalize.JsonArrayElements;
import io.connectionrelay.ops.Observability;
import io.connectionrelay.ops.RelayMetrics;
import io.connectionrelay.poll.CruxAuth;
import io.connectionrelay.poll.EnrichThreadPools;
import io.connectionrelay.poll.TerminalAuth;
import io.connectionrelay.poll.TerminalCurrentConnection;
import io.connectionrelay.poll.TerminalPages;
import io.connectionrelay.poll.UpstreamAuths;
import io.connectionrelay.route.RoutingTable;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.Registry;

/**
 * Binds what the routes share: settings, clock, state database, metrics, the dead-letter store,
 * each vendor's authentication, and the beans the YAML routes refer to by name. The pipeline's
 * own stages are built in {@link io.connectionrelay.app.ConnectionPipeline}.
 */
public class RelayConfiguration implements CamelConfiguration {

    @Override
    public void configure(CamelContext context) throws Exception {
        Settings settings = new Settings(context);
        Registry registry = context.getRegistry();
        // tests bind a fixed clock first; everything that ages records reads this one
        Clock clock = Optional.ofNullable(registry.lookupByNameAndType("relayClock", Clock.class))
                .orElseGet(Clock::systemUTC);
        registry.bind("relayClock", clock);
        StateDatabase database = new StateDatabase(settings);
        context.addService(database);
        DataSource state = database.dataSource();
        registry.bind("relayDataSource", state);
        registry.bind("settings", settings);
        RelayMetrics metrics = Observability.bind(context, settings, clock);
        SecretMasker masker = new SecretMasker(settings);
        registry.bind("secretMasker", masker);
        registry.bind("attemptCount", new AttemptCount());
        DeadLetterStore deadLetters = new DeadLetterStore(settings, metrics, masker);
        metrics.watchDeadLetterEntries(deadLetters::count);
        registry.bind("deadLetterStore", deadLetters);
        // each vendor's authentication, by the name relay.source.ID.vendor gives
        registry.bind("upstreamAuths", new UpstreamAuths(Map.of(
                "crux", new CruxAuth(context, settings),
                "terminal", new TerminalAuth(settings))));
        registry.bind("jsonArrayElements", JsonArrayElements.fromSettings(settings));
        registry.bind("terminalPages", new TerminalPages());
        registry.bind("terminalCurrentConnection", new TerminalCurrentConnection(settings));
        registry.bind("routingTable", new RoutingTable(settings));
        CsvExport csvExport = new CsvExport(settings);
        registry.bind("csvExport", csvExport);
        context.addStartupListener(csvExport);
        EnrichThreadPools.register(context, settings);
        WebhookChannel.bind(context, settings, clock);
        EmailChannel.register(context, settings, clock);
        context.addStartupListener(new StartupSummary(settings));
    }
}
