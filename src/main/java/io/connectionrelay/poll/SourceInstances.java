package io.connectionrelay.poll;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import io.connectionrelay.cluster.ClusterSettings;
import io.connectionrelay.cluster.ClusteredSchedules;
import io.connectionrelay.core.Settings;
import io.connectionrelay.core.SettingsSchema;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.util.StringHelper;

/**
 * Creates one route per configured source instance from its vendor's route template
 * (routes/poll/&lt;vendor&gt;-source.yaml), plus its schedule: a timer, or in cluster mode a
 * trigger in Quartz's clustered job store that one replica at a time fires. Adding an instance is
 * configuration only:
 * <pre>
 *   relay.sources=crux-eu,fleet
 *   relay.source.crux-eu.vendor=crux
 *   relay.source.crux-eu.base-url=https://api.cruxconnect.com
 * </pre>
 * Every relay.source.ID.some-key becomes template parameter someKey, from the files or from an
 * environment variable RELAY_SOURCE_ID_SOME_KEY. Secrets are never passed as template parameters
 * (route definitions are visible in management tools): the vendor's auth bean reads them itself.
 */
public class SourceInstances extends RouteBuilder {

    static final Set<String> SECRET_KEYS = Set.of("token", "password", "api-key", "username");
    static final Set<String> SCHEDULE_KEYS = Set.of("vendor", "period", "initial-delay", "enabled");

    private UpstreamAuths auths;

    @Override
    public void configure() throws Exception {
        auths = getContext().getRegistry().findSingleByType(UpstreamAuths.class);
        Settings settings = new Settings(getContext());
        boolean once = settings.getBoolean("relay.once");
        ClusterSettings cluster = getContext().getRegistry().lookupByNameAndType("clusterSettings", ClusterSettings.class);
        Set<String> scheduled = new TreeSet<>();
        for (String id : settings.getList("relay.sources")) {
            if (configureSource(settings, once, cluster, id)) {
                scheduled.add(id);
            }
        }
        if (cluster.enabled() && !once) {
            getContext().addStartupListener((context, alreadyStarted) -> {
                if (!alreadyStarted) {
                    ClusteredSchedules.removeUnconfigured(context, scheduled);
                }
            });
        }
    }

    /** True when the source is polled on a schedule. */
    private boolean configureSource(Settings settings, boolean once, ClusterSettings cluster, String id)
            throws Exception {
        String prefix = "relay.source." + id + ".";
        if (!settings.getBoolean(prefix + "enabled")) {
            return false;
        }
        String vendor = settings.require(prefix + "vendor", "which vendor source " + id + " polls (crux or terminal)");
        settings.require(prefix + "base-url", "the API address source " + id + " polls");
        auths.forSource(settings, id, vendor).checkConfigured(id);

        var route = templatedRoute(vendor + "-source").routeId("poll-" + id);
        templateParameters(settings, id).forEach((name, value) -> route.parameter(name, String.valueOf(value)));

        if (once) {
            return false;
        }
        Duration period = settings.getDuration(prefix + "period");
        Duration delay = settings.getDuration(prefix + "initial-delay");
        from(cluster.enabled() ? clusteredSchedule(id, period) : "timer:" + id + "?period=" + period.toMillis()
                + "&delay=" + delay.toMillis())
                .routeId("schedule-" + id)
                .log(LoggingLevel.DEBUG, "Polling source " + id + " (" + vendor + ")")
                .to("direct:poll-" + id);
        return true;
    }

    /**
     * One trigger per source in the shared job store: it fires on one replica per period, and
     * stateful makes a slow poll delay the next rather than overlap it, on any replica. The
     * trigger outlives every replica, so initial-delay does not apply: the first replica to start
     * creates it, due at once.
     */
    static String clusteredSchedule(String id, Duration period) {
        return "quartz:" + ClusteredSchedules.SOURCE_GROUP + "/" + id + "?stateful=true&usingFixedCamelContextName=true"
                + "&trigger.repeatInterval=" + period.toMillis() + "&trigger.repeatCount=-1";
    }

    /**
     * relay.source.ID.* from the files and the environment, and the declared ones' defaults, minus
     * secrets, keyed in camelCase.
     */
    static Map<String, Object> templateParameters(Settings settings, String id) {
        String prefix = "relay.source." + id + ".";
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("sourceId", id);
        Set<String> keys = new TreeSet<>(settings.keysWithPrefix(prefix));
        keys.addAll(SettingsSchema.instanceKeys("relay.source.<name>.", id));
        keys.forEach(key -> {
            String name = key.substring(prefix.length());
            if (!SECRET_KEYS.contains(name) && !SCHEDULE_KEYS.contains(name) && !name.contains(".")) {
                // blank is the default, as for every setting that has one
                Optional<String> value = SettingsSchema.defaultValue(key).isPresent()
                        ? Optional.of(settings.getString(key)) : settings.get(key);
                value.ifPresent(v -> parameters.put(StringHelper.dashToCamelCase(name), v));
            }
        });
        return parameters;
    }
}
