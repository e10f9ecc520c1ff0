package io.connectionrelay.deliver.email;

import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import javax.sql.DataSource;

import io.connectionrelay.core.ConnectionStatuses;
import io.connectionrelay.core.RoutingTable;
import io.connectionrelay.core.Settings;
import io.connectionrelay.record.CanonicalStatus;
import org.apache.camel.CamelContext;
import org.apache.camel.component.mail.MailComponent;
import org.apache.camel.spi.Registry;
import org.apache.camel.util.concurrent.SynchronousExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Binds the beans routes/deliver/email.yaml names, and checks the settings a routed email channel needs. */
public final class EmailChannel {

    static final String TRANSPORT_KEY = "relay.email.transport";
    static final String BATCH_KEY = "relay.email.batch-size";
    static final String CONCURRENCY_KEY = "relay.email.concurrency";

    private static final Logger LOG = LoggerFactory.getLogger(EmailChannel.class);

    private EmailChannel() {
    }

    public static void register(CamelContext context, Settings settings, Clock clock) {
        Registry registry = context.getRegistry();
        DigestWindow window = DigestWindow.of(settings);
        DigestRenderer renderer = new DigestRenderer(settings, clock, window.zone());
        MailComponent smtp = DigestSmtp.component(settings);
        String transport = settings.getString(TRANSPORT_KEY).toLowerCase(Locale.ROOT);
        if (!transport.equals("smtp") && !transport.equals("outbox")) {
            throw Settings.invalid(TRANSPORT_KEY, transport, "smtp or outbox");
        }
        int batch = settings.getInt(BATCH_KEY);
        if (batch < 1) {
            throw Settings.invalid(BATCH_KEY, Integer.toString(batch), "at least 1");
        }
        int concurrency = settings.getInt(CONCURRENCY_KEY);
        if (concurrency < 1) {
            throw Settings.invalid(CONCURRENCY_KEY, Integer.toString(concurrency), "at least 1");
        }
        RoutingTable routing = registry.lookupByNameAndType("routingTable", RoutingTable.class);
        List<CanonicalStatus> routed = routing == null ? List.of() : routing.asMap().entrySet().stream()
                .filter(e -> e.getValue().contains("email")).map(Map.Entry::getKey).toList();
        if (!routed.isEmpty()) {
            renderer.checkTemplates();
            settings.require("relay.email.from", "the From address of digest emails, e.g. Relay <relay@example.com>");
            if (transport.equals("smtp")) {
                settings.require("relay.email.smtp.host", "the SMTP server digests are sent through "
                        + "(or " + TRANSPORT_KEY + "=outbox to write .eml files instead)");
            }
        }
        if (!routed.isEmpty() && window.mode() == DigestWindow.Mode.CRON) {
            LOG.info("Digests go out on {} in {}; next at {}", window.schedule(), window.zone(),
                    window.nextScheduled(clock.instant()).atZone(window.zone()));
        }
        DigestLedger ledger = new DigestLedger(registry.lookupByNameAndType("relayDataSource", DataSource.class),
                registry.findSingleByType(ConnectionStatuses.class));
        registry.bind("digestDispatch", new DigestDispatch(ledger, window, routed, clock));
        registry.bind("oneShotCycles", new OneShotCycles());
        // a batch completes on the thread that completed it (the aggregator's default is a thread
        // of its own): a cycle's end has written its records when it returns
        registry.bind("digestSynchronousExecutor", new SynchronousExecutorService());
        registry.bind("digestSenders", context.getExecutorServiceManager()
                .newFixedThreadPool(EmailChannel.class, "digest-senders", concurrency));
        registry.bind("digestRenderer", renderer);
        registry.bind("digestMail", new DigestMail());
        registry.bind(DigestSmtp.COMPONENT, smtp);
    }
}
