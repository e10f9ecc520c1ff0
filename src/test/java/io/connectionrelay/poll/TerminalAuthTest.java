package io.connectionrelay.poll;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Properties;

import io.connectionrelay.core.Settings;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

class TerminalAuthTest {

    @Test
    void aSourceWithoutApiKeyFailsNamingTheSettingAndItsEnvironmentVariable() {
        TerminalAuth auth = new TerminalAuth(settings(new Properties()));

        assertThatThrownBy(() -> auth.checkConfigured("fleet"))
                .hasMessageContaining("relay.source.fleet.api-key")
                .hasMessageContaining("RELAY_SOURCE_FLEET_API_KEY");
    }

    @Test
    void sendsTheKeyAsABearerToken() {
        Properties properties = new Properties();
        properties.put("relay.source.fleet.api-key", "sk_live_123");
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());

        new TerminalAuth(settings(properties)).authorize(exchange, "fleet");

        assertThat(exchange.getMessage().getHeader("Authorization")).isEqualTo("Bearer sk_live_123");
    }

    private static Settings settings(Properties properties) {
        DefaultCamelContext context = new DefaultCamelContext();
        context.getPropertiesComponent().setInitialProperties(properties);
        return new Settings(context);
    }
}
