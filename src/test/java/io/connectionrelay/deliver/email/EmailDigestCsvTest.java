package io.connectionrelay.deliver.email;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Properties;

import io.connectionrelay.deliver.export.CsvColumns;
import io.connectionrelay.record.CanonicalStatus;
import io.connectionrelay.record.ConnectionRecord;
import io.connectionrelay.record.Derived;
import io.connectionrelay.record.Party;
import io.connectionrelay.record.Person;
import io.connectionrelay.record.RecordJson;
import io.connectionrelay.record.SyncState;
import jakarta.mail.BodyPart;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;

/** relay.email.attach-csv=true: the digest carries its rows as the CSV channel would write them. */
class EmailDigestCsvTest extends EmailTestSupport {

    @Override
    protected void testProperties(Properties p) {
        super.testProperties(p);
        p.put("relay.email.attach-csv", "true");
    }

    @Test
    void attachesTheRowsAsCsvBesideBothAlternatives() throws Exception {
        serve(new CruxConnections()
                .pending("=HYPERLINK(\"http://x\") Foods", "Ana García", "ana@example.com")
                .pending("Stevens, Smith and \"Krause\"", "Ana García", "ana@example.com")
                .pending("Sūn Démíng (孫德明) 贸易", "Ana García", "ana@example.com"));

        assertThat(runOnce()).isZero();

        MimeMessage message = smtp.getReceivedMessages()[0];
        assertThat(smtp.getReceivedMessages()).hasSize(1);
        assertThat(message.getContentType()).startsWith("multipart/mixed");
        List<BodyPart> parts = leafParts(message);
        assertThat(parts).extracting(p -> p.getContentType().split(";")[0].toLowerCase())
                .containsExactly("text/plain", "text/html", "text/csv");
        BodyPart csv = parts.get(2);
        assertThat(csv.getDisposition()).isEqualTo(Part.ATTACHMENT);
        assertThat(csv.getFileName()).isEqualTo("partner-connections-20261123.csv");
        String rows = text(csv);
        List<String> lines = rows.lines().toList();
        assertThat(lines).hasSize(4);
        assertThat(lines.get(0)).isEqualTo(String.join(",", CsvColumns.headers()));
        assertThat(rows).contains(",\"'=HYPERLINK(\"\"http://x\"\") Foods\",",
                ",\"Stevens, Smith and \"\"Krause\"\"\",",
                ",Sūn Démíng (孫德明) 贸易,").contains("\r\n");
        assertThat(content(parts.get(1))).contains("The connections that need attention are attached as a CSV file.");
    }

    @Test
    void showsTheSyncProblemWhereThereIsOne() throws Exception {
        Derived failing = new Derived(null, NOW.minusSeconds(86400 * 3), 3L, 30L, true, "Token expired", "vendor");
        ConnectionRecord record = new ConnectionRecord("fleet", "terminal", "t-1", CanonicalStatus.ACTIVE, "live", null,
                new Party("p-1", "Fleet Partner", null, null), Person.of("Wei Zhang", "wei@example.com"), null,
                Instant.parse("2026-10-24T12:00:00Z"), null, null, null, "samsara", List.of(),
                new SyncState("failed", "Token expired", null), failing);

        template.sendBody("direct:deliver-email", RecordJson.write(record));
        template.sendBody("direct:email-send-news", null);

        MimeMessage message = smtp.getReceivedMessages()[0];
        assertThat(message.getSubject()).isEqualTo("1 partner connection needs attention: 1 new; 1 sync problem");
        String html = content(leafParts(message).get(1));
        assertThat(html).contains("<th align=\"left\">Sync problem</th>", "<td>Token expired</td>", "<td>3 days</td>");
        assertThat(text(leafParts(message).get(2))).contains(",failed,Token expired,3");
    }

    private static String text(Part part) throws Exception {
        Object content = part.getContent();
        if (content instanceof String s) {
            return s;
        }
        try (InputStream in = (InputStream) content) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
