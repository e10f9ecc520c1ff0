package io.connectionrelay.core;

import java.util.List;

/**
 * A configuration the relay cannot run with. It carries every problem found, each naming its
 * setting and environment variable, so an operator fixes them in one go; the main class prints
 * them without a stack trace and exits 2.
 */
public final class ConfigurationException extends IllegalStateException {

    private final List<String> problems;

    public ConfigurationException(String problem) {
        this(List.of(problem), null);
    }

    public ConfigurationException(String problem, Throwable cause) {
        this(List.of(problem), cause);
    }

    public ConfigurationException(List<String> problems) {
        this(problems, null);
    }

    private ConfigurationException(List<String> problems, Throwable cause) {
        super(problems.size() == 1 ? problems.get(0)
                : problems.size() + " configuration problems:\n  - " + String.join("\n  - ", problems), cause);
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
