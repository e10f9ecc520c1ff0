package io.connectionrelay.deliver.email;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;

/** The demo's transport: each digest becomes an .eml file a mail client opens, and no SMTP server is involved. */
class EmailOutboxTest extends EmailTestSupport {

    @Override
    protected int smtpPort() {
        // nothing listens here: any attempt to use SMTP would fail the run
        return 9;
    }

    @Override
    protected void testProperties(Properties p) {
        super.testProperties(p);
        p.put("relay.email.transport", "outbox");
        p.remove("relay.email.smtp.host");
    }

    @Test
    void writesEachDigestAsAParseableEmlFile() throws Exception {
        serve(new CruxConnections()
                .pending("Alpha Foods", "Ana García", "ana@example.com")
                .pending("Ащьф Торговля", "Ana García", "ana@example.com")
                .pending("Beta Logistics", "Wei Zhang", "wei@example.com"));

        assertThat(runOnce()).isZero();

        Path outbox = dataDir().resolve("out/outbox");
        List<Path> files;
        try (Stream<Path> list = Files.list(outbox)) {
            files = list.sorted().toList();
        }
        assertThat(files).hasSize(2).allSatisfy(f -> assertThat(f.getFileName().toString())
                .matches("digest-\\d{8}T\\d{6}Z-(ana|wei)_example.com-[0-9a-f]+\\.eml"));
        Path ana = files.stream().filter(f -> f.toString().contains("ana_example.com")).findFirst().orElseThrow();
        try (InputStream in = Files.newInputStream(ana)) {
            MimeMessage message = new MimeMessage(Session.getInstance(new Properties()), in);
            assertThat(((InternetAddress) message.getAllRecipients()[0]).getAddress()).isEqualTo("ana@example.com");
            assertThat(message.getSubject()).isEqualTo("2 partner connections need attention: 2 new");
            assertThat(message.getSentDate().toInstant()).isEqualTo(NOW);
            assertThat(leafParts(message)).hasSize(2);
            assertThat(content(leafParts(message).get(1))).contains("Alpha Foods", "Ащьф Торговля");
        }
        assertThat(deadLetters().list()).isEmpty();
    }
}
