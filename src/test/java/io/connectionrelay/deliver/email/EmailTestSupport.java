package io.connectionrelay.deliver.email;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.connectionrelay.support.RelayTestSupport;
import jakarta.mail.BodyPart;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.DefaultRegistry;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The relay with one Crux source on WireMock, pending connections routed to email and nothing
 * else routed, digests sent to a local SMTP port with fast retries.
 */
abstract class EmailTestSupport extends RelayTestSupport {

    static final String CONNECTIONS = "/timp/organizations/connections/";

    @RegisterExtension
    static WireMockExtension crux = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    /** The SMTP server most email tests send to; a test that stops and starts one brings its own. */
    @RegisterExtension
    static GreenMailExtension smtp = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort())
            .withPerMethodLifecycle(false);

    private TestClock clock;

    /** The relay's clock, NOW until a test moves it; the same across a restart of the relay. */
    TestClock clock() {
        if (clock == null) {
            clock = new TestClock(NOW);
        }
        return clock;
    }

    /** Where the relay sends mail. */
    protected int smtpPort() {
        return smtp.getSmtp().getPort();
    }

    @Override
    protected void doPostSetup() throws Exception {
        smtp.purgeEmailFromAllMailboxes();
    }

    @Override
    protected Registry createCamelRegistry() {
        Registry registry = new DefaultRegistry();
        registry.bind("relayClock", clock());
        return registry;
    }

    @Override
    protected void testProperties(Properties p) {
        cruxSource(p, crux.baseUrl());
        p.put("relay.routing.active", "");
        p.put("relay.routing.pending", "email");
        p.put("relay.routing.inactive", "");
        p.put("relay.email.from", "Connection Relay <relay@relay.example>");
        p.put("relay.email.smtp.host", "127.0.0.1");
        p.put("relay.email.smtp.port", Integer.toString(smtpPort()));
        p.put("relay.email.smtp.security", "none");
        p.put("relay.email.smtp.connect-timeout", "2s");
        p.put("relay.email.retry.initial-delay", "100ms");
        p.put("relay.email.retry.max-delay", "400ms");
        p.put("relay.email.outbox-folder", dataDir().resolve("out/outbox").toString());
    }

    void serve(CruxConnections connections) {
        crux.stubFor(get(CONNECTIONS).willReturn(okJson(connections.json())));
    }

    /** The digests received so far, oldest first. */
    List<MimeMessage> received() {
        return List.of(smtp.getReceivedMessages());
    }

    /** The address a digest went to. */
    static String recipient(MimeMessage message) {
        try {
            return ((InternetAddress) message.getAllRecipients()[0]).getAddress();
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The plain-text part of a digest. */
    static String text(MimeMessage message) throws MessagingException, IOException {
        return content(leafParts(message).get(0));
    }

    static String html(MimeMessage message) throws MessagingException, IOException {
        return content(leafParts(message).get(1));
    }

    /**
     * One section of a digest's text part, from its heading ("NEW SINCE THE LAST DIGEST", "STILL
     * WAITING", "RESOLVED SINCE THE LAST DIGEST") to the next; empty when the digest has none.
     */
    static String section(String text, String heading) {
        int start = text.indexOf("\n" + heading);
        if (start < 0) {
            return "";
        }
        int end = text.length();
        for (String next : List.of("\nNEW SINCE", "\nSTILL WAITING", "\nRESOLVED SINCE", "\nSent by")) {
            int at = text.indexOf(next, start + 1);
            if (at > 0 && at < end) {
                end = at;
            }
        }
        return text.substring(start, end);
    }

    /** Every leaf part of a message, depth first: the text, the HTML, attachments. */
    static List<BodyPart> leafParts(Part part) throws MessagingException, IOException {
        List<BodyPart> leaves = new ArrayList<>();
        if (part.getContent() instanceof Multipart multipart) {
            for (int i = 0; i < multipart.getCount(); i++) {
                BodyPart child = multipart.getBodyPart(i);
                if (child.getContent() instanceof Multipart) {
                    leaves.addAll(leafParts(child));
                } else {
                    leaves.add(child);
                }
            }
        }
        return leaves;
    }

    static String content(Part part) {
        try {
            return (String) part.getContent();
        } catch (IOException | MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

}
