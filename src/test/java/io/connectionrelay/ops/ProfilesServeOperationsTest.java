package io.connectionrelay.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import io.connectionrelay.app.RelayApplication;
import io.connectionrelay.support.Http;
import io.connectionrelay.support.MetricsScrape;
import io.connectionrelay.support.RelayTestSupport;
import org.apache.camel.component.platform.http.main.MainHttpServer;
import org.apache.camel.component.platform.http.main.ManagementHttpServer;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shipped profiles switch health and metrics on: prod for containers, demo on loopback only. */
class ProfilesServeOperationsTest {

    @TempDir
    Path data;

    private Main main;

    @AfterEach
    void stopMain() {
        if (main != null) {
            main.stop();
        }
    }

    @Test
    void prodServesOnEveryInterface() throws Exception {
        int port = start("prod");

        assertThat(boundHost()).isEqualTo("0.0.0.0");
        assertThat(Http.get(port, "/observe/health/ready").statusCode()).isEqualTo(200);
        assertThat(Http.get(port, "/observe/metrics").body()).contains("relay_dead_letter_entries");
    }

    @Test
    void demoServesOnLoopbackWithItsSource() throws Exception {
        int port = start("demo");

        assertThat(boundHost()).isEqualTo("127.0.0.1");
        assertThat(Http.get(port, "/observe/health/live").statusCode()).isEqualTo(200);
        MetricsScrape metrics = new MetricsScrape(Http.get(port, "/observe/metrics").body());
        // gauges exist from startup: "never succeeded" is 0, not a missing series
        assertThat(metrics.value("relay_cycle_last_success_timestamp_seconds", "source", "crux-demo")).hasValue(0);
    }

    /** Boots the profile as RelayMain does, on a free port, with nothing scheduled and data kept in a temp folder. */
    private int start(String profile) {
        int port = Http.freePort();
        main = new Main();
        main.setPropertyPlaceholderLocations(RelayApplication.propertyLocations(profile));
        main.addInitialProperty("relay.profile", profile);
        main.addOverrideProperty("camel.server.port", String.valueOf(port));
        main.addOverrideProperty("relay.once", "true");
        for (String status : new String[] {"active", "pending", "inactive"}) {
            main.addOverrideProperty("relay.routing." + status, "csv");
        }
        if (profile.equals("prod")) {
            // prod ships no source: a deployment names its own
            main.addOverrideProperty("relay.sources", "fleet");
            main.addOverrideProperty("relay.source.fleet.vendor", "terminal");
            main.addOverrideProperty("relay.source.fleet.base-url", "https://api.withterminal.com/tsp/v1");
            main.addOverrideProperty("relay.source.fleet.api-key", "key-123456");
        }
        RelayTestSupport.dataFolders(data).forEach(main::addOverrideProperty);
        RelayApplication.configure(main.configure());
        main.start();
        return port;
    }

    /** The management endpoints share the main HTTP server (same port), so its host is theirs. */
    private String boundHost() {
        ManagementHttpServer management = main.getCamelContext().hasService(ManagementHttpServer.class);
        assertThat(management.getPort()).isEqualTo(main.getCamelContext().hasService(MainHttpServer.class).getPort());
        return main.getCamelContext().hasService(MainHttpServer.class).getHost();
    }
}
