package io.connectionrelay.trace;

import java.time.Clock;

import javax.sql.DataSource;

import io.connectionrelay.core.Settings;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.CamelContext;

/**
 * Binds the connection trace: traceStore (table relay_trace, created even with tracing off, so
 * --trace and GET /trace still answer with what was kept), and relayTrace, whose hooks feed the
 * writer when relay.trace.enabled (the default). SettingsSchema checks the relay.trace.* values.
 */
public final class Tracing {

    public static final String ENABLED = "relay.trace.enabled";

    private Tracing() {
    }

    public static ConnectionTrace bind(CamelContext context, Settings settings, DataSource state, MeterRegistry meters,
            Clock clock) throws Exception {
        TraceStore store = new TraceStore(state);
        context.getRegistry().bind("traceStore", store);
        TraceWriter writer = null;
        if (settings.getBoolean(ENABLED)) {
            writer = new TraceWriter(store,
                    settings.getInt("relay.trace.queue-size"),
                    settings.getInt("relay.trace.batch-size"),
                    settings.getDuration("relay.trace.flush-interval"),
                    settings.getDuration("relay.trace.full-queue-wait"),
                    meters);
            context.addService(writer);
            context.getRegistry().bind("traceWriter", writer);
        }
        ConnectionTrace trace = new ConnectionTrace(writer, clock);
        context.getRegistry().bind("relayTrace", trace);
        return trace;
    }
}
