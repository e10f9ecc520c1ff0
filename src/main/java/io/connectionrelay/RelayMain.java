package io.connectionrelay;

import java.util.Arrays;
import java.util.List;

import io.connectionrelay.app.DeadLetterCommands;
import io.connectionrelay.app.OneShotRun;
import io.connectionrelay.app.RelayApplication;
import io.connectionrelay.app.StartupFailure;
import io.connectionrelay.app.TraceCommand;
import io.connectionrelay.core.LogFormat;
import org.apache.camel.main.Main;

/**
 * Starts connection-relay.
 * <pre>
 *   (no flag)            poll every source on its schedule until stopped
 *   --once               one cycle of every source, wait for delivery, print a summary, exit 0 or 1
 *   --dead-letters       list the dead-letter store and exit
 *   --replay[=ID]        replay every dead-letter entry (or one), exit 0 when all succeeded
 *   --trace ID [--json]  print what happened to one connection, newest first, and exit
 * </pre>
 * The profile (demo by default) comes from RELAY_PROFILE or -Drelay.profile. A relay that cannot
 * start prints why in one message and exits 2 (see {@link StartupFailure}).
 */
public final class RelayMain {

    private RelayMain() {
    }

    public static void main(String[] args) {
        LogFormat.chooseBeforeLogging(RelayApplication.profile(), RelayApplication.configDir());
        Main main = new Main();
        try {
            run(main, Arrays.asList(args));
        } catch (Exception e) {
            System.exit(StartupFailure.report(e, main.getCamelContext()));
        }
    }

    private static void run(Main main, List<String> flags) throws Exception {
        String profile = RelayApplication.profile();
        if (TraceCommand.connectionId(flags) != null || flags.contains("--trace")) {
            // reads the state database only: the relay itself is not started
            System.exit(TraceCommand.run(RelayApplication.settingsOnly(profile), flags, System.out, System.err));
        }
        List<String> unknown = flags.stream().filter(f -> f.startsWith("--"))
                .filter(f -> !f.equals("--once") && !f.equals("--dead-letters") && !f.startsWith("--replay")).toList();
        if (!unknown.isEmpty()) {
            System.err.println("Unknown option(s) " + unknown
                    + ". Use --once, --dead-letters, --replay[=ID] or --trace <connection-id> [--json].");
            System.exit(2);
        }
        main.setPropertyPlaceholderLocations(RelayApplication.propertyLocations(profile));
        main.addInitialProperty("relay.profile", profile);
        RelayApplication.configure(main.configure());

        if (flags.contains("--once")) {
            System.exit(OneShotRun.runAndExit(main));
        }
        if (flags.contains("--dead-letters") || flags.stream().anyMatch(f -> f.startsWith("--replay"))) {
            String replay = flags.stream().filter(f -> f.startsWith("--replay")).findFirst().orElse(null);
            System.exit(DeadLetterCommands.run(main, replay));
        }
        main.run();
    }
}
