package io.connectionrelay.demo;

import java.time.Clock;
import java.util.Optional;

import io.connectionrelay.core.Settings;
import io.connectionrelay.deliver.webhook.WebhookEvent;
import io.connectionrelay.deliver.webhook.WebhookSigner;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * The demo's stand-in CRM checks each webhook as a real receiver must: the Standard Webhooks
 * signature with its copy of the secret (relay.demo.webhook-receiver.secret) and a timestamp
 * within five minutes.
 */
public class DemoWebhookReceiver {

    static final String SECRET = "relay.demo.webhook-receiver.secret";

    private volatile WebhookSigner signer;

    /** True when the request is signed correctly; the body is left as the exact bytes received. */
    public boolean verified(Exchange exchange) {
        Message message = exchange.getMessage();
        byte[] body = message.getBody(byte[].class);
        message.setBody(body);
        String id = message.getHeader(WebhookEvent.WEBHOOK_ID, String.class);
        // the id names the saved file: it must stay a plain name inside the folder
        if (id == null || !id.matches("[A-Za-z0-9_-]{1,100}")) {
            return false;
        }
        Clock clock = Optional.ofNullable(exchange.getContext().getRegistry().lookupByNameAndType("relayClock",
                Clock.class)).orElseGet(Clock::systemUTC);
        return signer(exchange).verify(id, message.getHeader(WebhookEvent.WEBHOOK_TIMESTAMP, String.class), body,
                message.getHeader(WebhookEvent.WEBHOOK_SIGNATURE, String.class), clock.instant());
    }

    private WebhookSigner signer(Exchange exchange) {
        if (signer == null) {
            String secret = new Settings(exchange.getContext()).require(SECRET,
                    "the demo receiver's copy of the demo subscriber's signing secret");
            signer = WebhookSigner.fromSecret(secret);
        }
        return signer;
    }
}
