package io.connectionrelay.deliver.webhook;

import java.net.URI;
import java.time.Duration;
import java.util.Set;

import io.connectionrelay.record.CanonicalStatus;

/**
 * One CRM that receives webhooks, from relay.webhook.subscriber.ID.*. Empty filters mean "every
 * status" and "every source".
 *
 * @param maxRetries  retries after the first attempt for 408, 429, 5xx and I/O failures
 * @param concurrency requests in flight at once to this subscriber (its own queue consumers)
 */
public record WebhookSubscriber(
        String id,
        URI url,
        WebhookSigner signer,
        Set<CanonicalStatus> statuses,
        Set<String> sources,
        Duration timeout,
        int maxRetries,
        int concurrency) {

    public boolean wantsSource(String source) {
        return sources.isEmpty() || sources.contains(source);
    }

    public boolean wantsStatus(CanonicalStatus status) {
        return statuses.isEmpty() || statuses.contains(status);
    }

    /** scheme://host:port only: a URL's path or query may carry a token, so logs and dead letters get this. */
    public String address() {
        return url.getScheme() + "://" + url.getHost() + (url.getPort() < 0 ? "" : ":" + url.getPort());
    }
}
