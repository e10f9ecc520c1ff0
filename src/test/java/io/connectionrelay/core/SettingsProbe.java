package io.connectionrelay.core;

import java.util.Arrays;

import org.apache.camel.impl.DefaultCamelContext;

/**
 * For SettingDefaultsTest, in a JVM of its own (environment variables are fixed per process):
 * prints each key with what Settings reads and, for one that is not per instance, what a
 * placeholder resolves to.
 */
public final class SettingsProbe {

    private SettingsProbe() {
    }

    public static void main(String[] args) throws Exception {
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            context.getPropertiesComponent().setLocation(args[0]);
            Settings settings = new Settings(context);
            for (String key : Arrays.copyOfRange(args, 1, args.length)) {
                String line = key + " " + settings.getString(key);
                if (!key.startsWith("relay.source.")) {
                    line += " " + context.resolvePropertyPlaceholders("{{" + key + "}}");
                }
                System.out.println(line);
            }
        }
    }
}
