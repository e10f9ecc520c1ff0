package io.connectionrelay.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.Properties;

import io.connectionrelay.app.OneShotRun;
import io.connectionrelay.app.RelayApplication;
import io.connectionrelay.support.RelayTestSupport;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.main.Main;

/**
 * The relay as its own Camel Main on a test's settings: the same configuration files, data folders
 * and state database, new beans and a new context, as after a process restart. Unlike the test
 * harness's context it honours camel.main.shutdown-timeout.
 */
final class RelayProcess {

    private final Main main = new Main();

    private RelayProcess(Properties settings) {
        main.setPropertyPlaceholderLocations("file:config/application.properties");
        settings.forEach((key, value) -> main.addOverrideProperty((String) key, (String) value));
        main.bind("relayClock", Clock.fixed(RelayTestSupport.NOW, ZoneOffset.UTC));
        RelayApplication.configure(main.configure());
    }

    static RelayProcess start(Properties settings) throws Exception {
        RelayProcess relay = new RelayProcess(settings);
        relay.main.start();
        return relay;
    }

    CamelContext context() {
        return main.getCamelContext();
    }

    /** One cycle of source, returning once it has polled and routed (webhooks may still be queued). */
    void poll(String source) {
        try (ProducerTemplate producer = context().createProducerTemplate()) {
            producer.sendBody("direct:poll-" + source, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    int runOnce() throws InterruptedException {
        return OneShotRun.run(context());
    }

    void stop() {
        main.stop();
    }
}
