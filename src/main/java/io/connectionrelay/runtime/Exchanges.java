package io.connectionrelay.runtime;

/**
 * Exchange property names the pipeline shares. Properties, not headers: headers would leak to
 * upstream and subscriber HTTP requests, and the record itself carries what crosses a stage.
 */
public final class Exchanges {

    /** The source instance (a name from relay.sources). */
    public static final String SOURCE = "relaySource";
    /** The vendor of that source (crux, terminal). */
    public static final String VENDOR = "relayVendor";
    /** Identifies one poll cycle of one source; a CSV file is written per cycle. */
    public static final String CYCLE = "relayCycle";
    /** The stage that failed, for the dead-letter entry and replay. */
    public static final String STAGE = "relayStage";
    /** Where a dead-letter replay should send the saved payload. */
    public static final String REPLAY_URI = "relayReplayUri";
    /** A delivery channel name (csv, email, webhook). */
    public static final String CHANNEL = "relayChannel";

    private Exchanges() {
    }
}
