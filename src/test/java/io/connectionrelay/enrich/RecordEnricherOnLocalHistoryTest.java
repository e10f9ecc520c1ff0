package io.connectionrelay.enrich;

import java.nio.file.Path;

import org.junit.jupiter.api.io.TempDir;

/** The same derived fields over the store an embedded state database keeps beside its file, reopened each cycle. */
class RecordEnricherOnLocalHistoryTest extends RecordEnricherTest {

    @TempDir
    Path folder;

    @Override
    ConnectionHistory history() {
        return new LocalConnectionHistory(folder.resolve("relay.history"), database);
    }
}
