package io.connectionrelay.app;

import io.connectionrelay.core.ConfigurationException;
import io.connectionrelay.core.SecretMasker;
import io.connectionrelay.core.Settings;
import io.connectionrelay.core.SettingsSchema;
import io.connectionrelay.core.SpoolFolder;
import io.connectionrelay.core.StateDatabase;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.sql.DataSource;

import io.connectionrelay.cluster.ClusterSettings;
import io.connectionrelay.cluster.ClusteredSchedules;
import io.connectionrelay.cluster.ReplicaStatus;
import io.connectionrelay.core.AttemptCount;
import io.connectionrelay.core.RoutingTable;
import io.connectionrelay.deadletter.DeadLetterFolder;
import io.connectionrelay.deadletter.DeadLetterStore;
import io.connectionrelay.deadletter.DeadLetterTable;
import io.connectionrelay.deliver.csv.CsvExport;
import io.connectionrelay.deliver.email.EmailChannel;
import io.connectionrelay.deliver.webhook.WebhookChannel;
import io.connectionrelay.enrich.AccountManagerDirectory;
import io.connectionrelay.enrich.ConnectionHistory;
import io.connectionrelay.enrich.LocalConnectionHistory;
import io.connectionrelay.enrich.SharedConnectionHistory;
import io.connectionrelay.enrich.RecordEnricher;
import io.connectionrelay.normalize.DuplicateConnections;
import io.connectionrelay.normalize.JsonArrayElements;
import io.connectionrelay.ops.DeadLetterStoreHealthCheck;
import io.connectionrelay.ops.Observability;
import io.connectionrelay.ops.RelayMetrics;
import io.connectionrelay.poll.CruxAuth;
import io.connectionrelay.poll.EnrichThreadPools;
import io.connectionrelay.poll.TerminalAuth;
import io.connectionrelay.poll.TerminalCurrentConnection;
import io.connectionrelay.poll.TerminalPages;
import io.connectionrelay.poll.UpstreamAuths;
import io.connectionrelay.trace.ConnectionTrace;
import io.connectionrelay.trace.Tracing;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.Registry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks every setting, then binds what the routes share: settings, clock, state database,
 * metrics, the dead-letter store, each vendor's authentication, the stages' stateful parts, and
 * the beans the YAML routes refer to by name. The routes between the stages are declared in
 * {@link io.connectionrelay.app.ConnectionPipeline}.
 */
public class RelayConfiguration implements CamelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(RelayConfiguration.class);

    @Override
    public void configure(CamelContext context) throws Exception {
        Settings settings = new Settings(context);
        // every setting is checked before anything is built, so all problems are reported together
        List<String> problems = SettingsSchema.problems(settings, SettingForms.all());
        if (!problems.isEmpty()) {
            throw new ConfigurationException(problems);
        }
        List<String> unread = SettingsSchema.unread(settings, System.getenv());
        if (!unread.isEmpty()) {
            LOG.warn("Settings the relay does not read, so they change nothing (a typo, or a source or subscriber "
                    + "not listed?): {}", String.join(", ", unread));
        }
        // before the database: a password in its URL must be masked in any error opening it
        SecretMasker masker = new SecretMasker(settings);
        Registry registry = context.getRegistry();
        // tests bind a fixed clock first; everything that ages records reads this one
        Clock clock = Optional.ofNullable(registry.lookupByNameAndType("relayClock", Clock.class))
                .orElseGet(Clock::systemUTC);
        registry.bind("relayClock", clock);
        ClusterSettings cluster = ClusterSettings.read(settings);
        registry.bind("clusterSettings", cluster);
        SpoolFolder spool = SpoolFolder.claim(settings);
        context.addService(spool);
        context.getStreamCachingStrategy().setSpoolDirectory(spool.path().toFile());
        StateDatabase database = new StateDatabase(settings, masker);
        context.addService(database);
        DataSource state = database.dataSource();
        registry.bind("relayDataSource", state);
        boolean clustered = cluster.enabled() && !settings.getBoolean("relay.once");
        ReplicaStatus replica = new ReplicaStatus(context, cluster, clustered, state, Observability.sourcePeriods(settings),
                clock, masker::mask);
        if (clustered) {
            // a source schedule each, and the digest window's cron
            ClusteredSchedules.configure(context, cluster, state, settings.getList("relay.sources").size() + 1,
                    replica.firings());
            context.addService(replica);
        }
        registry.bind("settings", settings);
        RelayMetrics metrics = Observability.bind(context, settings, clock, replica);
        registry.bind("secretMasker", masker);
        registry.bind("attemptCount", new AttemptCount());
        // replicas share their dead letters in the database, so any of them lists and replays them
        DeadLetterStore deadLetters = cluster.enabled()
                ? new DeadLetterTable(context, settings, state, cluster.instanceId(), metrics, masker)
                : new DeadLetterFolder(context, settings, metrics, masker);
        deadLetters.requireWritable();
        registry.bind("relayDeadLetterHealthCheck", new DeadLetterStoreHealthCheck(deadLetters::writeProblem));
        metrics.watchDeadLetterEntries(deadLetters.location(), deadLetters::count);
        registry.bind("deadLetterStore", deadLetters);
        // each vendor's authentication, by the name relay.source.ID.vendor gives
        registry.bind("upstreamAuths", new UpstreamAuths(Map.of(
                "crux", new CruxAuth(context, settings),
                "terminal", new TerminalAuth(settings))));
        registry.bind("jsonArrayElements", JsonArrayElements.fromSettings(settings));
        registry.bind("duplicateConnections", new DuplicateConnections(metrics));
        registry.bind("terminalPages", new TerminalPages());
        registry.bind("terminalCurrentConnection", new TerminalCurrentConnection(settings));
        // one process opens an embedded H2 file: its history beside it; a shared server keeps it in its table
        ConnectionHistory history = StateDatabase.embeddedFile(settings.getString("relay.state.jdbc-url"))
                .<ConnectionHistory>map(file -> new LocalConnectionHistory(Path.of(file + ".history"), state))
                .orElseGet(() -> new SharedConnectionHistory(state));
        context.addService(history);
        registry.bind("connectionHistory", history);
        registry.bind("recordEnricher", new RecordEnricher(AccountManagerDirectory.load(settings), history, clock));
        RoutingTable routing = new RoutingTable(settings);
        registry.bind("routingTable", routing);
        CsvExport csvExport = new CsvExport(settings, routing.channels().contains("csv"));
        registry.bind("csvExport", csvExport);
        context.addStartupListener(csvExport);
        EnrichThreadPools.register(context, settings);
        ConnectionTrace trace = Tracing.bind(context, settings, state, metrics.registry(), clock);
        deadLetters.onStored((letter, entry) -> trace.deadLettered(letter, entry.id(), entry.error(), entry.attempts()));
        WebhookChannel.bind(context, settings, clock);
        EmailChannel.register(context, settings, clock);
        if (settings.get(DeadLetterCommands.COMMAND).isEmpty()) {
            // the summary describes a run; --dead-letters and --replay print what they do themselves
            context.addStartupListener(new StartupSummary(settings));
        }
    }
}
