package io.connectionrelay.deliver.email;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

import io.connectionrelay.app.OneShotRun;
import io.connectionrelay.app.RelayApplication;
import io.connectionrelay.support.Http;
import io.connectionrelay.support.RelayTestSupport;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo profile as shipped (simulated Crux and Terminal APIs, the outbox transport) for two
 * cycles: the simulated Crux API flips a few statuses on its second answer, so some manager's
 * second digest has something new, something still waiting and something resolved.
 */
class DemoDigestTest {

    @TempDir
    Path data;
    private Main main;

    @AfterEach
    void stopMain() {
        if (main != null) {
            main.stop();
        }
    }

    @Test
    void theSecondCycleShowsNewStillWaitingAndResolved() throws Exception {
        main = new Main();
        main.setPropertyPlaceholderLocations(RelayApplication.propertyLocations("demo"));
        main.addInitialProperty("relay.profile", "demo");
        main.addOverrideProperty("camel.server.port", String.valueOf(Http.freePort()));
        main.addOverrideProperty("relay.once", "true");
        RelayTestSupport.dataFolders(data).forEach(main::addOverrideProperty);
        main.addOverrideProperty("relay.email.outbox-folder", data.resolve("out/outbox").toString());
        main.addOverrideProperty("relay.demo.webhook-receiver.folder", data.resolve("out/webhooks").toString());
        RelayApplication.configure(main.configure());
        main.start();

        assertThat(OneShotRun.run(main.getCamelContext())).isZero();
        List<MimeMessage> first = outbox();
        assertThat(first).isNotEmpty().allSatisfy(m -> assertThat(m.getSubject()).doesNotContain("still waiting"));

        assertThat(OneShotRun.run(main.getCamelContext())).isZero();
        List<MimeMessage> second = outbox().subList(first.size(), outbox().size());

        assertThat(second).isNotEmpty().anySatisfy(digest -> {
            String text = EmailTestSupport.text(digest);
            assertThat(digest.getSubject()).contains("new", "still waiting", "resolved");
            assertThat(EmailTestSupport.section(text, "NEW SINCE THE LAST DIGEST")).contains("Pending");
            assertThat(EmailTestSupport.section(text, "STILL WAITING")).contains("waiting");
            assertThat(EmailTestSupport.section(text, "RESOLVED SINCE THE LAST DIGEST")).contains("now Active");
        });
    }

    /** The .eml files in the outbox, oldest first. */
    private List<MimeMessage> outbox() throws IOException, jakarta.mail.MessagingException {
        List<Path> files;
        try (Stream<Path> list = Files.list(data.resolve("out/outbox"))) {
            files = list.filter(f -> f.toString().endsWith(".eml"))
                    .sorted((a, b) -> Long.compare(a.toFile().lastModified(), b.toFile().lastModified())).toList();
        }
        List<MimeMessage> messages = new ArrayList<>();
        for (Path file : files) {
            try (InputStream in = Files.newInputStream(file)) {
                MimeMessage message = new MimeMessage(Session.getInstance(new Properties()), in);
                message.getContent();
                messages.add(message);
            }
        }
        return messages;
    }
}
