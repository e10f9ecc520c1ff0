package io.connectionrelay.poll;

import io.connectionrelay.core.Settings;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.ThreadPoolProfileBuilder;

/**
 * Bounds how many per-record upstream calls a source makes at once: one thread pool profile per
 * source instance, named enrich-ID and sized by relay.source.ID.enrich-concurrency (default 4). A
 * source template refers to it from a parallel split (executorService: enrich-{{sourceId}}); the
 * split creates the pool from the profile and stops it with its route. Sources that make no such
 * calls never create theirs.
 */
public final class EnrichThreadPools {

    private EnrichThreadPools() {
    }

    public static void register(CamelContext context, Settings settings) {
        for (String id : settings.getList("relay.sources")) {
            String key = "relay.source." + id + ".enrich-concurrency";
            int size = settings.getInt(key);
            if (size < 1) {
                throw Settings.invalid(key, String.valueOf(size), "a whole number of at least 1");
            }
            context.getExecutorServiceManager().registerThreadPoolProfile(new ThreadPoolProfileBuilder("enrich-" + id)
                    .poolSize(size).maxPoolSize(size).maxQueueSize(-1).build());
        }
    }
}
