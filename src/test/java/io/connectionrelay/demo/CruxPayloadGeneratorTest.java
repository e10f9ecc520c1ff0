package io.connectionrelay.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

class CruxPayloadGeneratorTest {

    final CruxPayloadGenerator generator = new CruxPayloadGenerator();
    final ObjectMapper json = new ObjectMapper();

    @Test
    void successiveCallsFlipAFewGeneratedStatusesAndNothingElse() throws Exception {
        JsonNode first = json.readTree(generator.payload(40));
        JsonNode second = json.readTree(generator.payload(40));
        JsonNode third = json.readTree(generator.payload(40));

        assertThat(third).isEqualTo(first);
        ByteArrayOutputStream unvaried = new ByteArrayOutputStream();
        generator.write(unvaried, 40, 42L);
        assertThat(json.readTree(unvaried.toByteArray())).isEqualTo(first);

        int flipped = 0;
        for (int i = 0; i < first.size(); i++) {
            JsonNode before = first.get(i);
            JsonNode after = second.get(i);
            String was = before.path("status").asText();
            String now = after.path("status").asText();
            if (!was.equals(now)) {
                assertThat(i).as("the seed's three connections never change").isGreaterThanOrEqualTo(3);
                assertThat(was + "->" + now).isIn("ACTIVE->DEACTIVATED", "DEACTIVATED->ACTIVE",
                        "CONFIRMATION WAITING->ACTIVE", "ACTIVE->CONFIRMATION WAITING");
                flipped++;
            }
            assertThat(((ObjectNode) after.deepCopy()).put("status", was)).isEqualTo(before);
        }
        assertThat(flipped).isBetween(1, 8);
    }
}
