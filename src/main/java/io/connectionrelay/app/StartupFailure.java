package io.connectionrelay.app;

import io.connectionrelay.core.ConfigurationException;
import io.connectionrelay.core.SecretMasker;
import java.util.List;

import org.apache.camel.CamelContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an operator sees when the relay cannot start: one message on standard error listing every
 * problem (each naming its setting and environment variable), masked like every log line, and exit
 * code 2. The stack trace is logged at DEBUG only (RELAY_LOG_LEVEL=DEBUG): for a configuration
 * mistake it is noise around the one line that matters.
 */
public final class StartupFailure {

    public static final int EXIT_CODE = 2;
    private static final Logger LOG = LoggerFactory.getLogger(StartupFailure.class);

    private StartupFailure() {
    }

    /**
     * Reports a failure that reached the main class and returns the exit code: 2 for a configuration
     * problem or anything that stopped the relay from starting, 1 for a failure after it started.
     */
    public static int report(Throwable failure, CamelContext context) {
        LOG.debug("The relay stopped on this failure", failure);
        ConfigurationException configuration = find(failure);
        boolean started = context != null && context.isStarted();
        StringBuilder text = new StringBuilder();
        if (configuration != null) {
            List<String> problems = configuration.problems();
            text.append("connection-relay cannot start: ")
                    .append(problems.size() == 1 ? "a configuration problem" : problems.size() + " configuration problems")
                    .append('\n');
            problems.forEach(p -> text.append("  - ").append(p).append('\n'));
            text.append("Settings come from the configuration folder (RELAY_CONFIG_DIR, default config) and the "
                    + "environment; see docs/configuration.md.\n");
        } else {
            text.append(started ? "connection-relay stopped: " : "connection-relay cannot start: ")
                    .append(describe(failure)).append('\n');
        }
        text.append("For a stack trace, run with RELAY_LOG_LEVEL=DEBUG.\n");
        System.err.print(SecretMasker.process().mask(text.toString()));
        System.err.flush();
        return configuration != null || !started ? EXIT_CODE : 1;
    }

    private static ConfigurationException find(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ConfigurationException configuration) {
                return configuration;
            }
        }
        return null;
    }

    /** The innermost message: Camel wraps a failure in layers that each repeat it with a prefix. */
    private static String describe(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getName() : root.getMessage();
    }
}
