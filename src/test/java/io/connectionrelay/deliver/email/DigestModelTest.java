package io.connectionrelay.deliver.email;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;

import io.connectionrelay.deliver.email.DigestEntry.Section;
import io.connectionrelay.record.CanonicalStatus;
import io.connectionrelay.record.ConnectionRecord;
import io.connectionrelay.record.Party;
import io.connectionrelay.record.Person;
import org.junit.jupiter.api.Test;

/** Links in a digest only for values that can only be an address; what changed, in words. */
class DigestModelTest {

    static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");

    @Test
    void offersLinksOnlyForValuesThatCanOnlyBeAnAddress() {
        Map<String, Object> safe = row(entry("www.partner.example", "pat@partner.example"));
        assertThat(safe).containsEntry("websiteUrl", "https://www.partner.example")
                .containsEntry("contactMailto", "pat@partner.example");
        assertThat(row(entry("https://partner.example/about-us", null)))
                .containsEntry("websiteUrl", "https://partner.example/about-us");

        for (String website : List.of("javascript:alert(1)", "www.x.example\" onmouseover=\"alert(1)",
                "data:text/html,<script>alert(1)</script>", "//evil.example")) {
            assertThat(row(entry(website, null))).as(website).containsEntry("websiteUrl", null)
                    .containsEntry("website", website);
        }
        for (String email : List.of("pat@partner.example?bcc=eve@evil.example", "\"><script>@x.example",
                "pat@partner.example\r\nBcc: eve@evil.example")) {
            assertThat(row(entry(null, email))).as(email).containsEntry("contactMailto", null);
        }
    }

    @Test
    void saysWhatChangedAndHowLongEachHasWaited() {
        assertThat(DigestModel.summary(1, 3, 1, 0)).isEqualTo("1 new, 3 still waiting, 1 resolved");
        assertThat(DigestModel.summary(0, 0, 2, 1)).isEqualTo("2 resolved; 1 sync problem");
        assertThat(DigestModel.headline(0)).isEqualTo("No partner connection needs attention");
        assertThat(DigestModel.waitingFor(Duration.ofMinutes(20))).isEqualTo("less than an hour");
        assertThat(DigestModel.waitingFor(Duration.ofHours(5))).isEqualTo("5 hours");
        assertThat(DigestModel.waitingFor(Duration.ofDays(12).plusHours(3))).isEqualTo("12 days");
    }

    private static DigestEntry entry(String website, String contactEmail) {
        ConnectionRecord record = new ConnectionRecord("crux-a", "crux", "c-1", CanonicalStatus.PENDING, null, null,
                new Party("p-1", "Partner", website, null), Person.of("Ana", "ana@example.com"),
                Person.of("Pat", contactEmail), NOW.minus(Duration.ofDays(3)), null, null, null, null, List.of(), null,
                null);
        return new DigestEntry(record, "PENDING", Section.NEW, null, NOW);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> row(DigestEntry entry) {
        Digest digest = new Digest("ana@example.com", new DigestRecipient("ana@example.com", "Ana"), List.of(entry));
        Map<String, Object> model = DigestModel.of(digest, NOW, ZoneId.of("UTC"), false);
        return ((List<Map<String, Object>>) model.get("newConnections")).get(0);
    }
}
