package io.connectionrelay.app;

import io.connectionrelay.trace.TraceEvent;
import io.connectionrelay.trace.TraceRoutes;
import io.connectionrelay.trace.TraceStore;
import io.connectionrelay.trace.TraceView;
import java.io.PrintStream;
import java.util.List;

import io.connectionrelay.core.SecretMasker;
import io.connectionrelay.core.Settings;
import io.connectionrelay.core.StateDatabase;

/**
 * --trace CONNECTION-ID [--json] [--limit=N]: a connection's history from the state database,
 * newest first, without starting the relay. Exit 0, or 2 for a usage error.
 */
public final class TraceCommand {

    private TraceCommand() {
    }

    /** The connection id after --trace (or in --trace=ID), or null when the flags do not name one. */
    public static String connectionId(List<String> flags) {
        for (int i = 0; i < flags.size(); i++) {
            String flag = flags.get(i);
            if (flag.startsWith("--trace=")) {
                return flag.substring("--trace=".length());
            }
            if (flag.equals("--trace") && i + 1 < flags.size() && !flags.get(i + 1).startsWith("--")) {
                return flags.get(i + 1);
            }
        }
        return null;
    }

    public static int run(Settings settings, List<String> flags, PrintStream out, PrintStream err) throws Exception {
        String connectionId = connectionId(flags);
        Integer limit = limit(flags);
        if (connectionId == null || connectionId.isBlank() || limit == null) {
            err.println("Usage: --trace <connection-id> [--json] [--limit=N] (N from 1 to " + TraceRoutes.MAX_LIMIT
                    + ", default " + TraceRoutes.DEFAULT_LIMIT + ")");
            return 2;
        }
        StateDatabase database = new StateDatabase(settings, new SecretMasker(settings));
        try {
            print(new TraceStore(database.dataSource()), connectionId, flags.contains("--json"), limit, out);
        } finally {
            database.stop();
        }
        return 0;
    }

    public static void print(TraceStore store, String connectionId, boolean json, int limit, PrintStream out)
            throws Exception {
        List<TraceEvent> events = store.history(connectionId, limit);
        out.print(json ? TraceView.json(events) : TraceView.text(connectionId, events));
        out.flush();
    }

    private static Integer limit(List<String> flags) {
        String flag = flags.stream().filter(f -> f.startsWith("--limit=")).findFirst().orElse(null);
        if (flag == null) {
            return TraceRoutes.DEFAULT_LIMIT;
        }
        try {
            int limit = Integer.parseInt(flag.substring("--limit=".length()));
            return limit >= 1 && limit <= TraceRoutes.MAX_LIMIT ? limit : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
