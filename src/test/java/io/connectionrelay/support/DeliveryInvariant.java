package io.connectionrelay.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The promise every fault test checks, in one place: every polled record ends, on every channel it
 * is routed to, either delivered (as that channel's receiver saw it) or in the dead-letter store,
 * and no receiver accepts the same delivery twice.
 *
 * <p>A dead-letter entry accounts for a record on a channel when it is that channel's entry (or a
 * stage's before the channels) and names the record: a whole-poll entry (stage poll) names every
 * record of its source, any other entry names the records whose connection id its payload holds
 * (a record, a vendor element, a webhook event, a CSV file) or whose key its relayConnection
 * property is. Entries are read from the store's folder, as an operator would.
 *
 * <p>The tests route every status to every observed channel, so each channel owes every record.
 */
public final class DeliveryInvariant {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Set<String> polled;
    private final List<DeliveryObserver> observers = new ArrayList<>();
    private Path deadLetterFolder;

    private DeliveryInvariant(Collection<String> polled) {
        this.polled = new LinkedHashSet<>(polled);
    }

    /** The records the upstream served, as keys source:connectionId. */
    public static DeliveryInvariant forRecords(Collection<String> keys) {
        return new DeliveryInvariant(keys);
    }

    public DeliveryInvariant observedBy(DeliveryObserver... channels) {
        observers.addAll(List.of(channels));
        return this;
    }

    public DeliveryInvariant deadLettersIn(Path folder) {
        this.deadLetterFolder = folder;
        return this;
    }

    /** Nothing lost and nothing delivered twice. */
    public void assertHolds() throws Exception {
        assertNothingLost();
        assertNothingDeliveredTwice();
    }

    /** Every record, on every channel, delivered or dead-lettered. */
    public void assertNothingLost() throws Exception {
        List<DeadLetter> entries = deadLetters();
        List<String> lost = new ArrayList<>();
        for (DeliveryObserver observer : observers) {
            Set<String> delivered = observer.delivered();
            for (String key : polled) {
                if (!delivered.contains(key) && entries.stream().noneMatch(e -> e.accounts(observer, key))) {
                    lost.add(observer.channel() + " " + key);
                }
            }
        }
        assertThat(lost).as("records neither delivered nor dead-lettered (%s; %d dead letters)", observers,
                entries.size()).isEmpty();
    }

    public void assertNothingDeliveredTwice() throws Exception {
        List<String> duplicates = new ArrayList<>();
        for (DeliveryObserver observer : observers) {
            duplicates.addAll(observer.duplicates());
        }
        assertThat(duplicates).as("deliveries a receiver accepted twice").isEmpty();
    }

    /** After the fault has cleared: every record delivered on every channel, none twice. */
    public void assertEverythingDelivered() throws Exception {
        for (DeliveryObserver observer : observers) {
            assertThat(observer.delivered()).as("records delivered by %s", observer).containsAll(polled);
        }
        assertNothingDeliveredTwice();
    }

    private List<DeadLetter> deadLetters() throws IOException {
        if (deadLetterFolder == null) {
            throw new IllegalStateException("no dead-letter folder: call deadLettersIn");
        }
        if (!Files.isDirectory(deadLetterFolder)) {
            return List.of();
        }
        List<DeadLetter> entries = new ArrayList<>();
        try (Stream<Path> files = Files.list(deadLetterFolder)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".json")).sorted().toList()) {
                String id = file.getFileName().toString().replaceFirst("\\.json$", "");
                Path payload = deadLetterFolder.resolve(id + ".payload");
                entries.add(new DeadLetter(JSON.readTree(file.toFile()),
                        Files.exists(payload) ? Files.readString(payload, StandardCharsets.UTF_8) : ""));
            }
        }
        return entries;
    }

    private record DeadLetter(JsonNode entry, String payload) {

        boolean accounts(DeliveryObserver observer, String key) {
            String entryChannel = entry.path("channel").textValue();
            if (entryChannel != null && !entryChannel.equals(observer.channel())) {
                return false;
            }
            String source = key.substring(0, key.indexOf(':'));
            String connectionId = key.substring(key.indexOf(':') + 1);
            String entrySource = entry.path("source").textValue();
            if ("poll".equals(entry.path("stage").textValue())) {
                return source.equals(entrySource);
            }
            if (key.equals(entry.path("properties").path("relayConnection").textValue())) {
                return true;
            }
            return (entrySource == null || entrySource.equals(source)) && observer.names(payload, connectionId);
        }
    }
}
