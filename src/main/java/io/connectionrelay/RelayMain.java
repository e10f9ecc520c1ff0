package io.connectionrelay;

import java.util.Arrays;
import java.util.List;

import io.connectionrelay.deadletter.DeadLetterCommands;
import io.connectionrelay.runtime.OneShotRun;
import io.connectionrelay.runtime.RelayApplication;
import io.connectionrelay.trace.TraceCommand;
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
 * The profile (demo by default) comes from RELAY_PROFILE or -Drelay.profile.
 */
public final class RelayMain {

    private RelayMain() {
    }

    public static void main(String[] args) throws Exception {
        List<String> flags = Arrays.asList(args);
        String profile = RelayApplication.profile();
        if (flags.stream().anyMatch(f -> f.equals("--trace") || f.startsWith("--trace="))) {
            System.exit(TraceCommand.run(RelayApplication.settingsOnly(profile), flags, System.out, System.err));
        }
        Main main = new Main();
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
        List<String> unknown = flags.stream().filter(f -> f.startsWith("--")).toList();
        if (!unknown.isEmpty()) {
            System.err.println("Unknown option(s) " + unknown + ". Use --once, --dead-letters, --replay[=ID] or --trace <connection-id> [--json].");
            System.exit(2);
        }
        main.run();
    }
}
