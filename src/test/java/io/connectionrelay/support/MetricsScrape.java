package io.connectionrelay.support;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/** One Prometheus text-format scrape, parsed into series: name, labels, value. */
public final class MetricsScrape {

    public record Series(String name, Map<String, String> labels, double value) {
    }

    private final List<Series> series = new ArrayList<>();

    public MetricsScrape(String text) {
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int brace = line.indexOf('{');
            int space = line.lastIndexOf(' ');
            String name = brace < 0 ? line.substring(0, space) : line.substring(0, brace);
            Map<String, String> labels = new LinkedHashMap<>();
            if (brace >= 0) {
                // label values here never contain '",' so a plain split is enough
                String inner = line.substring(brace + 1, line.lastIndexOf('}'));
                for (String pair : inner.split("\",")) {
                    int eq = pair.indexOf('=');
                    if (eq > 0) {
                        labels.put(pair.substring(0, eq), pair.substring(eq + 2).replaceAll("\"$", ""));
                    }
                }
            }
            series.add(new Series(name, labels, Double.parseDouble(line.substring(space + 1))));
        }
    }

    /** The series with this name whose labels include every given name/value pair. */
    public List<Series> find(String name, String... labelPairs) {
        return series.stream().filter(s -> s.name().equals(name)).filter(s -> {
            for (int i = 0; i < labelPairs.length; i += 2) {
                if (!labelPairs[i + 1].equals(s.labels().get(labelPairs[i]))) {
                    return false;
                }
            }
            return true;
        }).toList();
    }

    /** The value of the one series that matches, or empty when none does. */
    public OptionalDouble value(String name, String... labelPairs) {
        List<Series> found = find(name, labelPairs);
        if (found.size() > 1) {
            throw new IllegalArgumentException(found.size() + " series match " + name + " " + List.of(labelPairs));
        }
        return found.isEmpty() ? OptionalDouble.empty() : OptionalDouble.of(found.get(0).value());
    }
}
