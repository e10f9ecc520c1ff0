package io.connectionrelay.normalize;

import io.connectionrelay.core.RecordMappingException;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.connectionrelay.core.Settings;
import io.connectionrelay.record.CanonicalStatus;
import io.connectionrelay.record.ConnectionRecord;
import io.connectionrelay.record.Person;
import io.connectionrelay.record.RecordJson;
import io.connectionrelay.record.SyncState;
import io.connectionrelay.support.Fixtures;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

/** Terminal's documented GET /connections/current example, and variations of it, to canonical records. */
class TerminalConnectionMapperTest {

    private final ObjectMapper json = new ObjectMapper();
    private final TerminalConnectionMapper mapper = new TerminalConnectionMapper(new Settings(new DefaultCamelContext()));

    @Test
    void mapsTheDocumentedExample() throws Exception {
        ConnectionRecord record = mapper.toRecord(example(), "fleet");

        assertThat(record.source()).isEqualTo("fleet");
        assertThat(record.vendor()).isEqualTo("terminal");
        assertThat(record.connectionId()).isEqualTo("conn_01GV12VR4DJP70GD1ZBK0SDWFH");
        assertThat(record.status()).isEqualTo(CanonicalStatus.ACTIVE);
        assertThat(record.vendorStatus()).isEqualTo("connected");
        assertThat(record.counterparty().name()).isEqualTo("Acme Inc.");
        assertThat(record.counterparty().id()).isEqualTo("1234567");
        assertThat(record.organization()).isNull();
        assertThat(record.accountManager()).isNull();
        assertThat(record.provider()).isEqualTo("geotab");
        assertThat(record.lastSync()).isEqualTo(new SyncState("completed",
                "Reason for failure if sync status is 'failed'", Instant.parse("2021-01-06T03:24:53Z")));
        assertThat(record.createdAt()).isEqualTo(Instant.parse("2021-01-06T03:24:53Z"));
        assertThat(record.updatedAt()).isEqualTo(Instant.parse("2021-01-06T03:24:53Z"));
        // no account.user in the example: whoever accepted the data-sharing agreement is the contact
        assertThat(record.counterpartyContact().name()).isEqualTo("<string> <string>");
    }

    @Test
    void theConnectionTokenNeverReachesTheRecord() throws Exception {
        String recordJson = RecordJson.write(mapper.toRecord(example(), "fleet"));

        assertThat(recordJson).doesNotContain(example().path("token").asText());
    }

    @Test
    void prefersTheProviderAccountsUserAsContactAndFallsBackToTheAccountName() throws Exception {
        ObjectNode connection = example();
        connection.remove("company");
        connection.putObject("account").put("name", "Frank's Trucking")
                .putObject("user").put("sourceId", "u1").put("firstName", "John").put("lastName", "Doe")
                .put("email", "john.doe@example.com");
        connection.putObject("provider").put("name", "Geotab");

        ConnectionRecord record = mapper.toRecord(connection, "fleet");

        assertThat(record.counterparty().name()).isEqualTo("Frank's Trucking");
        assertThat(record.counterpartyContact()).isEqualTo(new Person("u1", "John Doe", "john.doe@example.com", null, null));
        assertThat(record.provider()).isEqualTo("Geotab");
    }

    @Test
    void mapsEveryDocumentedStatus() throws Exception {
        assertThat(statusOf("connected")).isEqualTo(CanonicalStatus.ACTIVE);
        assertThat(statusOf("disconnected")).isEqualTo(CanonicalStatus.PENDING);
        assertThat(statusOf("archived")).isEqualTo(CanonicalStatus.INACTIVE);
        assertThat(statusOf("pending_deletion")).isEqualTo(CanonicalStatus.INACTIVE);
    }

    @Test
    void anUnknownStatusNamesTheConnectionAndTheSettingToFix() throws Exception {
        assertThatThrownBy(() -> statusOf("suspended"))
                .isInstanceOf(RecordMappingException.class)
                .hasMessageContaining("conn_01GV12VR4DJP70GD1ZBK0SDWFH")
                .hasMessageContaining("relay.vendor.terminal.status-mapping")
                .hasMessageContaining("RELAY_VENDOR_TERMINAL_STATUS_MAPPING");
    }

    @Test
    void aConnectionWithoutIdOrWithABadDateCannotBeMapped() throws Exception {
        ObjectNode noId = example();
        noId.remove("id");
        ObjectNode badDate = example();
        badDate.put("updatedAt", "last tuesday");

        assertThatThrownBy(() -> mapper.toRecord(noId, "fleet")).isInstanceOf(RecordMappingException.class)
                .hasMessageContaining("'id'");
        assertThatThrownBy(() -> mapper.toRecord(badDate, "fleet")).isInstanceOf(RecordMappingException.class)
                .hasMessageContaining("updatedAt");
        assertThatThrownBy(() -> mapper.toRecord(json.readTree("[1]"), "fleet"))
                .isInstanceOf(RecordMappingException.class);
    }

    private CanonicalStatus statusOf(String status) throws Exception {
        ObjectNode connection = example();
        connection.put("status", status);
        return mapper.toRecord(connection, "fleet").status();
    }

    private ObjectNode example() throws Exception {
        JsonNode node = json.readTree(Fixtures.text("terminal-connection-current.json"));
        return (ObjectNode) node;
    }
}
