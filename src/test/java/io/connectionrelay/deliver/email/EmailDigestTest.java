package io.connectionrelay.deliver.email;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.connectionrelay.app.DeadLetterCommands;
import io.connectionrelay.deadletter.DeadLetterEntry;
import io.connectionrelay.record.CanonicalStatus;
import io.connectionrelay.record.ConnectionRecord;
import io.connectionrelay.record.Party;
import io.connectionrelay.record.Person;
import io.connectionrelay.record.RecordJson;
import jakarta.mail.BodyPart;
import jakarta.mail.Message;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;

/** Digests per account manager over real SMTP (GreenMail), one poll cycle per test. */
class EmailDigestTest extends EmailTestSupport {

    @Override
    protected void testProperties(Properties p) {
        super.testProperties(p);
        // batches of two: a manager's digest gathers several batches
        p.put("relay.email.batch-size", "2");
    }

    @Test
    void sendsOneDigestPerManagerWithTheirPendingConnections() throws Exception {
        String repeated = CruxConnections.uuid();
        serve(new CruxConnections()
                .pending("Alpha Foods", "Ana García", "ana@example.com")
                .add(repeated, "Sūn Démíng (孫德明) 贸易", "CONFIRMATION WAITING", "Ana García",
                        "ANA@example.com")
                .pending("<script>alert(1)</script> Foods", "Ana García", "ana@example.com")
                // the same connection again later in the cycle: it appears once, as first listed
                .add(repeated, "Old Name Ltd", "CONFIRMATION WAITING", "Ana García", "ana@example.com")
                .active("Active Partner", "Ana García", "ana@example.com")
                .pending("Beta Logistics", "Wei Zhang", "wei@example.com")
                .pending("Ωmega Λogistics", "Wei Zhang", "wei@example.com")
                .active("Only Active Co", "Priya Nair", "priya@example.com"));

        assertThat(runOnce()).isZero();

        Map<String, MimeMessage> byRecipient = Arrays.stream(smtp.getReceivedMessages())
                .collect(Collectors.toMap(EmailDigestTest::recipient, Function.identity()));
        assertThat(byRecipient).containsOnlyKeys("ana@example.com", "wei@example.com");

        MimeMessage ana = byRecipient.get("ana@example.com");
        assertThat(ana.getSubject()).isEqualTo("3 partner connections need attention: 3 new");
        assertThat(((InternetAddress) ana.getFrom()[0]).getAddress()).isEqualTo("relay@relay.example");
        assertThat(((InternetAddress) ana.getRecipients(Message.RecipientType.TO)[0]).getPersonal())
                .isEqualTo("Ana García");
        assertThat(ana.getContentType()).startsWith("multipart/alternative");
        List<BodyPart> parts = leafParts(ana);
        assertThat(parts).extracting(p -> p.getContentType().split(";")[0].toLowerCase())
                .containsExactly("text/plain", "text/html");
        String text = content(parts.get(0));
        String html = content(parts.get(1));
        assertThat(text).contains("Alpha Foods", "<script>alert(1)</script> Foods", "Sūn Démíng (孫德明) 贸易",
                "Pending (CONFIRMATION WAITING), for 12 days", "Pat Contact 0, contact0@partner.example", "crux-a")
                .doesNotContain("Old Name Ltd", "Active Partner");
        assertThat(html).contains("&lt;script&gt;alert(1)&lt;/script&gt; Foods", "Sūn Démíng (孫德明) 贸易",
                        "<td>12 days</td>", "<td>crux-a</td>")
                .doesNotContain("<script>", "Old Name Ltd", "Active Partner", "Only Active Co");

        MimeMessage wei = byRecipient.get("wei@example.com");
        assertThat(wei.getSubject()).isEqualTo("2 partner connections need attention: 2 new");
        assertThat(content(leafParts(wei).get(1))).contains("Beta Logistics", "Ωmega Λogistics")
                .doesNotContain("Alpha Foods");
        assertThat(deadLetters().list()).isEmpty();
        assertThat(summary().deliveredCounts()).containsEntry("email -> smtp", 2L);
    }

    @Test
    void dataWithLineBreaksCannotAddMailHeaders() throws Exception {
        serve(new CruxConnections()
                .pending("Line\r\nBreak Logistics\r\nX-Injected: yes", "Mallory\r\nBcc: attacker@evil.example",
                        "mallory@example.com"));

        assertThat(runOnce()).isZero();

        // GreenMail keeps one copy per envelope recipient: an injected Bcc would show as a second one
        MimeMessage[] received = smtp.getReceivedMessages();
        assertThat(received).hasSize(1);
        MimeMessage message = received[0];
        assertThat(message.getAllRecipients()).extracting(a -> ((InternetAddress) a).getAddress())
                .containsExactly("mallory@example.com");
        assertThat(message.getHeader("Bcc")).isNull();
        assertThat(message.getHeader("X-Injected")).isNull();
        assertThat(message.getHeader("To")).singleElement().asString()
                .doesNotContain("\r", "\n").contains("Mallory Bcc: attacker@evil.example");
        assertThat(message.getSubject()).isEqualTo("1 partner connection needs attention: 1 new");
        assertThat(content(leafParts(message).get(0))).contains("* Line Break Logistics X-Injected: yes");
    }

    @Test
    void aRecordWithoutManagerEmailIsDeadLetteredWithTheReasonAndReplaysOnceFixed() throws Exception {
        ConnectionRecord record = new ConnectionRecord("crux-a", "crux", "c-1", CanonicalStatus.PENDING,
                "CONFIRMATION WAITING", null, new Party("p-1", "Partner One", null, null), null, null, null, null, null,
                null, null, List.of(), null, null);
        template.sendBody("direct:deliver-email", RecordJson.write(record));
        Person injecting = Person.of("Eve", "eve@example.com\r\nBcc: x@evil.example");
        template.sendBody("direct:deliver-email", RecordJson.write(record.withAccountManager(injecting)));
        template.sendBody("direct:email-send-news", null);

        assertThat(smtp.getReceivedMessages()).isEmpty();
        List<DeadLetterEntry> entries = deadLetters().list();
        assertThat(entries).hasSize(2).allSatisfy(entry -> {
            assertThat(entry.channel()).isEqualTo("email");
            assertThat(entry.replayUri()).isEqualTo("direct:deliver-email");
        }).extracting(DeadLetterEntry::error).satisfiesExactlyInAnyOrder(
                e -> assertThat(e).contains("has no account manager email (accountManager.email)"),
                e -> assertThat(e).contains("invalid account manager email"));

        // an operator fixes the saved record and replays it: it is news, like any other
        DeadLetterEntry missing = entries.stream().filter(e -> e.error().contains("has no account manager")).findFirst()
                .orElseThrow();
        Files.writeString(deadLetters().payloadOf(missing),
                RecordJson.write(record.withAccountManager(Person.of("Ana García", "ana@example.com"))));
        assertThat(DeadLetterCommands.replay(context, deadLetters(), missing.id())).isTrue();
        assertThat(smtp.getReceivedMessages()).isEmpty();
        template.sendBody("direct:email-send-news", null);

        assertThat(smtp.getReceivedMessages()).singleElement()
                .satisfies(m -> assertThat(recipient(m)).isEqualTo("ana@example.com"));
        assertThat(deadLetters().list()).hasSize(1);
    }

}
