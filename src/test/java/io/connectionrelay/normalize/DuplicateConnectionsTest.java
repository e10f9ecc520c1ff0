package io.connectionrelay.normalize;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;

import org.junit.jupiter.api.Test;

/** The per-cycle set of seen connection ids, past its first growth; end to end: DuplicateConnectionIdsTest. */
class DuplicateConnectionsTest {

    @Test
    void everyIdIsNewOnceAndARepeatAfterwardsAsTheSetGrows() {
        DuplicateConnections.SeenIds seen = new DuplicateConnections.SeenIds();
        int ids = 200_000;
        for (int i = 0; i < ids; i++) {
            String id = new UUID(7, i).toString();
            assertThat(seen.add(DuplicateConnections.hash(id), id)).as("first sight of %s", id).isTrue();
        }
        for (int i = 0; i < ids; i += 997) {
            String id = new UUID(7, i).toString();
            assertThat(seen.add(DuplicateConnections.hash(id), id)).as("repeat of %s", id).isFalse();
        }
    }
}
