package io.connectionrelay.core;

import java.util.Map;
import java.util.Properties;
import java.util.function.Predicate;

import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Ordered;
import org.apache.camel.component.properties.PropertiesComponent;
import org.apache.camel.spi.LoadablePropertiesSource;

/**
 * The declared defaults (SettingsSchema) as Camel's last properties source, so a placeholder such
 * as {{relay.email.batch-size}} in routes/ and Camel Main's own camel.* settings get the same
 * default as the code, and anything that sets the key wins: override properties, environment
 * variables and system properties (the placeholder parser asks those first), the configuration
 * files (sources with a lower order), and Camel's initial properties, which Camel asks after every
 * source, so this one steps aside for a key they hold. Camel adds it to every context's properties
 * component itself, through META-INF/services/org/apache/camel/properties-source-factory.
 * Per-instance keys (relay.source.NAME.period) are not here: Settings answers those.
 */
public final class SettingDefaults implements LoadablePropertiesSource, Ordered, CamelContextAware {

    private final Map<String, String> defaults = SettingsSchema.fixedDefaults();
    private CamelContext context;

    @Override
    public CamelContext getCamelContext() {
        return context;
    }

    @Override
    public void setCamelContext(CamelContext context) {
        this.context = context;
    }

    @Override
    public String getName() {
        return "relay-setting-defaults";
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST;
    }

    @Override
    public String getProperty(String name) {
        return setInitially(name) ? null : defaults.get(name);
    }

    @Override
    public Properties loadProperties() {
        return loadProperties(key -> true);
    }

    @Override
    public Properties loadProperties(Predicate<String> filter) {
        Properties properties = new Properties();
        defaults.forEach((key, value) -> {
            if (filter.test(key) && !setInitially(key)) {
                properties.setProperty(key, value);
            }
        });
        return properties;
    }

    private boolean setInitially(String key) {
        Properties initial = context != null && context.getPropertiesComponent() instanceof PropertiesComponent pc
                ? pc.getInitialProperties() : null;
        // Camel's OrderedProperties answers getProperty, not containsKey
        return initial != null && initial.getProperty(key) != null;
    }

    @Override
    public void reloadProperties(String location) {
        // the defaults are compiled in: nothing to reload
    }
}
