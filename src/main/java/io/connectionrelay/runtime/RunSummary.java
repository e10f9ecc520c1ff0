package io.connectionrelay.runtime;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import io.connectionrelay.record.CanonicalStatus;

/** What this process has done: the one-shot summary and the exit code are read from here. */
public class RunSummary {

    private final Map<String, LongAdder> routed = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> deadLetters = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> polled = new ConcurrentHashMap<>();

    public void polled(String source, long records) {
        polled.computeIfAbsent(source, k -> new LongAdder()).add(records);
    }

    public Map<String, Long> polledCounts() {
        return snapshot(polled);
    }

    public void routed(CanonicalStatus status, List<String> channels) {
        if (channels.isEmpty()) {
            count(routed, status + " -> (no channel)");
        }
        channels.forEach(channel -> count(routed, status + " -> " + channel));
    }

    public void deadLettered(String stage) {
        count(deadLetters, stage);
    }

    public long deadLetterCount() {
        return deadLetters.values().stream().mapToLong(LongAdder::sum).sum();
    }

    public Map<String, Long> routedCounts() {
        return snapshot(routed);
    }

    public Map<String, Long> deadLetterCounts() {
        return snapshot(deadLetters);
    }

    private static void count(Map<String, LongAdder> map, String key) {
        map.computeIfAbsent(key, k -> new LongAdder()).increment();
    }

    private static Map<String, Long> snapshot(Map<String, LongAdder> map) {
        Map<String, Long> copy = new TreeMap<>();
        map.forEach((k, v) -> copy.put(k, v.sum()));
        return copy;
    }
}
