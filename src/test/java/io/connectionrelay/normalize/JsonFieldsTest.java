package io.connectionrelay.normalize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The dates' fast path reads the vendors' usual shape exactly as Instant.parse does, and leaves the rest to it. */
class JsonFieldsTest {

    @ParameterizedTest
    @ValueSource(strings = {"2018-06-28T12:55:17.774287Z", "2018-06-28T12:55:17Z", "2018-06-28T12:55:17.1Z",
            "2024-02-29T23:59:59.999999999Z", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59.5Z"})
    void theUsualShapeReadsAsInstantParseReadsIt(String date) {
        assertThat(JsonFields.plainUtc(date)).isEqualTo(Instant.parse(date));
    }

    @ParameterizedTest
    @ValueSource(strings = {"2018-06-28T12:55:17+02:00", "2023-02-29T10:00:00Z", "2018-13-01T00:00:00Z",
            "2018-06-28T12:55:17.Z", "2018-06-28T12:55:17.1234567890Z", "2018-06-28 12:55:17Z", "2018-06-28T1a:55:17Z",
            "2018-06-28T23:59:60Z", "2018-06-28T12:55:17", "+2018-06-28T12:55:17Z"})
    void anythingElseIsLeftToInstantParse(String date) {
        assertThat(JsonFields.plainUtc(date)).isNull();
    }

    @Test
    void aDateInstantParseRejectsIsStillAMappingError() {
        ObjectNode node = new ObjectMapper().createObjectNode().put("created_date", "2023-02-29T10:00:00Z");
        assertThatThrownBy(() -> JsonFields.instant(node, "created_date"))
                .hasMessageContaining("'created_date' is not an ISO-8601 date: 2023-02-29T10:00:00Z");
    }
}
