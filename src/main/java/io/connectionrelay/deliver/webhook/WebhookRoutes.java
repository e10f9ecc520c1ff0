package io.connectionrelay.deliver.webhook;

import io.connectionrelay.core.RoutingTable;
import io.connectionrelay.core.Settings;
import org.apache.camel.builder.RouteBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One queue route and one send route per subscriber, from the templates in
 * routes/deliver/webhook.yaml. Each subscriber gets its own SEDA queue and consumer threads, its
 * own HTTP endpoint (connection pool and timeouts), so a slow or dead subscriber only ever delays
 * itself. The secret is not a template parameter: the webhookDeliveries bean signs.
 */
public class WebhookRoutes extends RouteBuilder {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookRoutes.class);

    @Override
    public void configure() throws Exception {
        Settings settings = new Settings(getContext());
        WebhookSubscribers subscribers = getContext().getRegistry()
                .lookupByNameAndType("webhookSubscribers", WebhookSubscribers.class);
        RoutingTable routing = getContext().getRegistry().lookupByNameAndType("routingTable", RoutingTable.class);
        if (subscribers.isEmpty() && routing.channels().contains("webhook")) {
            LOG.warn("The routing table sends records to the webhook channel but no subscriber is configured: set "
                    + "{} (environment variable {})", WebhookSubscribers.LIST, Settings.envName(WebhookSubscribers.LIST));
        }
        String queueSize = String.valueOf(settings.getInt(WebhookChannel.QUEUE_SIZE));
        for (WebhookSubscriber subscriber : subscribers.all()) {
            String timeout = String.valueOf(subscriber.timeout().toMillis());
            templatedRoute("webhook-subscriber").routeId("webhook-" + subscriber.id())
                    .parameter("subscriberId", subscriber.id())
                    .parameter("concurrency", String.valueOf(subscriber.concurrency()))
                    .parameter("queueSize", queueSize);
            templatedRoute("webhook-send").routeId("webhook-send-" + subscriber.id())
                    .parameter("subscriberId", subscriber.id())
                    .parameter("concurrency", String.valueOf(subscriber.concurrency()))
                    .parameter("timeout", timeout);
        }
    }
}
