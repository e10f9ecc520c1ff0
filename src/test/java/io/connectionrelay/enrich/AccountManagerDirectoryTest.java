package io.connectionrelay.enrich;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import io.connectionrelay.enrich.AccountManagerDirectory.Assignment;
import io.connectionrelay.record.CanonicalStatus;
import io.connectionrelay.record.ConnectionRecord;
import io.connectionrelay.record.Party;
import io.connectionrelay.record.Person;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The directory file's format: which rule a record gets, and how a broken file is reported. */
class AccountManagerDirectoryTest {

    static final String HEADER = "match_field,match_value,manager_name,manager_email\n";

    @TempDir
    Path dir;

    Path file(String rows) throws IOException {
        Path file = dir.resolve("account-managers.csv");
        Files.writeString(file, "# who looks after what\n" + HEADER + rows);
        return file;
    }

    static ConnectionRecord record(String source, String counterparty, String provider, List<String> tags,
            Person manager) {
        return new ConnectionRecord(source, "terminal", "conn_1", CanonicalStatus.ACTIVE, "connected", null,
                new Party(null, counterparty, null, null), manager, null, null, null, null, null, provider, tags,
                null, null);
    }

    @Test
    void theFirstMatchingRowWinsInFileOrder() throws IOException {
        AccountManagerDirectory directory = new AccountManagerDirectory(AccountManagerDirectory.read(file("""
                tag,priority,Priya Nair,priya@example.com
                counterparty,"Stevens, Smith and ""Krause""\",Ana García,ana@example.com
                provider,geotab,Wei Zhang,wei@example.com
                source,fleet-eu,Eve Source,eve@example.com
                default,,Partner Operations,ops@example.com
                """)));

        Assignment byTag = directory.assign(record("fleet-eu", "x", "geotab", List.of("Priority"), null)).orElseThrow();
        assertThat(byTag.manager().email()).isEqualTo("priya@example.com");
        assertThat(byTag.assignedBy()).isEqualTo("rule tag=priority (account-managers.csv line 3)");

        Assignment byName = directory.assign(record("fleet-eu", " stevens, smith and \"KRAUSE\" ", "geotab",
                List.of(), null)).orElseThrow();
        assertThat(byName.manager()).isEqualTo(Person.of("Ana García", "ana@example.com"));

        assertThat(directory.assign(record("fleet-eu", "x", "GEOTAB", null, null)).orElseThrow().manager().email())
                .isEqualTo("wei@example.com");
        assertThat(directory.assign(record("fleet-eu", "x", "samsara", null, null)).orElseThrow().manager().email())
                .isEqualTo("eve@example.com");
        Assignment fallback = directory.assign(record("other", null, null, null, null)).orElseThrow();
        assertThat(fallback.manager().email()).isEqualTo("ops@example.com");
        assertThat(fallback.assignedBy()).isEqualTo("default");
    }

    @Test
    void aRecordThatHasAManagerKeepsIt() throws IOException {
        AccountManagerDirectory directory = new AccountManagerDirectory(AccountManagerDirectory.read(file(
                "default,,Partner Operations,ops@example.com\n")));
        Person vendor = Person.of("Joe Account", "joe@example.com");

        assertThat(directory.assign(record("a", "b", null, null, vendor))).contains(new Assignment(vendor, "vendor"));
        assertThat(directory.assign(record("a", "b", null, null, Person.of(null, null))).orElseThrow().assignedBy())
                .isEqualTo("default");
    }

    @Test
    void aMalformedRowNamesTheFileAndLine() throws IOException {
        Path file = file("""
                source,crux-eu,Ana,ana@example.com
                customer,Acme,Bob,bob@example.com
                """);

        assertThatThrownBy(() -> AccountManagerDirectory.read(file))
                .hasMessageContaining(file.toString() + " line 4: match_field 'customer' is not one of source,")
                .hasMessageContaining("relay.enrich.directory-file");
    }

    @Test
    void otherMistakesAreReportedToo() throws IOException {
        assertThatThrownBy(() -> AccountManagerDirectory.read(file("source,crux-eu,Ana\n")))
                .hasMessageContaining("line 3: expected 4 columns");
        assertThatThrownBy(() -> AccountManagerDirectory.read(file("tag,,Ana,ana@example.com\n")))
                .hasMessageContaining("line 3: match_value is empty");
        assertThatThrownBy(() -> AccountManagerDirectory.read(file("tag,vip,Ana,ana at example\n")))
                .hasMessageContaining("line 3: manager_email 'ana at example' is not an email address");
        assertThatThrownBy(() -> AccountManagerDirectory.read(file(
                "default,,Ops,ops@example.com\ntag,vip,Ana,ana@example.com\n")))
                .hasMessageContaining("line 4: no row can follow the default row");
        Path wrongHeader = dir.resolve("header.csv");
        Files.writeString(wrongHeader, "field,value,name,email\n");
        assertThatThrownBy(() -> AccountManagerDirectory.read(wrongHeader))
                .hasMessageContaining("header.csv line 1: the header must be match_field,match_value,");
        assertThatThrownBy(() -> AccountManagerDirectory.read(dir.resolve("missing.csv")))
                .hasMessageContaining("Setting relay.enrich.directory-file (environment variable "
                        + "RELAY_ENRICH_DIRECTORY_FILE) is '" + dir.resolve("missing.csv") + "'");
    }
}
