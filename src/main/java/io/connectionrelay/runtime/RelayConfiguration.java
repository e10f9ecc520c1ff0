package io.connectionrelay.runtime;

import java.time.Clock;
import java.util.Optional;

import io.connectionrelay.deadletter.DeadLetterStore;
import io.connectionrelay.deliver.csv.CsvExport;
import io.connectionrelay.deliver.email.EmailChannel;
import io.connectionrelay.enrich.RecordEnricher;
import io.connectionrelay.normalize.CruxConnectionMapper;
import io.connectionrelay.normalize.JsonArrayElements;
import io.connectionrelay.poll.CruxAuth;
import io.connectionrelay.route.RoutingTable;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.Registry;

/** Binds the beans the YAML and Java routes refer to by name. */
public class RelayConfiguration implements CamelConfiguration {

    @Override
    public void configure(CamelContext context) throws Exception {
        Settings settings = new Settings(context);
        Registry registry = context.getRegistry();
        RunSummary summary = new RunSummary();
        // tests bind a fixed clock first; everything that ages records reads this one
        Clock clock = Optional.ofNullable(registry.lookupByNameAndType("relayClock", Clock.class))
                .orElseGet(Clock::systemUTC);
        registry.bind("relayClock", clock);
        registry.bind("relayDataSource", StateDatabase.dataSource(settings));
        registry.bind("settings", settings);
        registry.bind("runSummary", summary);
        registry.bind("deadLetterStore", new DeadLetterStore(settings, summary));
        registry.bind("cruxAuth", new CruxAuth(context, settings));
        registry.bind("jsonArrayElements", new JsonArrayElements());
        registry.bind("cruxConnectionMapper", new CruxConnectionMapper(settings));
        registry.bind("recordEnricher", new RecordEnricher(settings, clock));
        registry.bind("routingTable", new RoutingTable(settings));
        registry.bind("csvExport", new CsvExport(settings));
        EmailChannel.register(context, settings, clock);
        context.addStartupListener(new StartupSummary(settings));
    }
}
