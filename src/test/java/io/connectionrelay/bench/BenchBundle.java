package io.connectionrelay.bench;

import java.nio.file.Path;
import java.util.Map;

import io.connectionrelay.app.RelayApplication;
import org.apache.camel.main.Main;

/** The relay as --once starts it, polling one Crux source at a local payload server, with its outputs under WORK. */
final class BenchBundle {

    private BenchBundle() {
    }

    static Main start(String baseUrl, Path work, Map<String, String> settings) throws Exception {
        Main main = new Main();
        main.setPropertyPlaceholderLocations("file:config/application.properties");
        RelayApplication.configure(main.configure());
        main.addOverrideProperty("relay.once", "true");
        main.addOverrideProperty("relay.sources", "bench");
        main.addOverrideProperty("relay.source.bench.vendor", "crux");
        main.addOverrideProperty("relay.source.bench.base-url", baseUrl);
        main.addOverrideProperty("relay.source.bench.token", "bench-token-5f2c");
        main.addOverrideProperty("relay.csv.folder", work.resolve("out").toString());
        main.addOverrideProperty("relay.csv.staging-folder", work.resolve("staging").toString());
        main.addOverrideProperty("relay.dead-letter.folder", work.resolve("dead-letter").toString());
        main.addOverrideProperty("relay.state.jdbc-url", "jdbc:h2:file:" + work.resolve("state/relay").toAbsolutePath());
        main.addOverrideProperty("camel.server.enabled", "false");
        main.addOverrideProperty("camel.main.stream-caching-spool-directory", work.resolve("spool").toString());
        settings.forEach(main::addOverrideProperty);
        main.start();
        return main;
    }
}
