package io.connectionrelay.deliver.email;

import io.connectionrelay.runtime.Settings;
import org.quartz.CronExpression;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks the digest window settings at startup, so a mistake names its setting; the routes in
 * routes/deliver/email.yaml read the same two settings. relay.email.window is {@code cycle} (the
 * window closes at the end of each poll cycle) or {@code cron} (it closes on relay.email.schedule,
 * a Quartz cron expression with seconds such as {@code 0 0 8 ? * MON-FRI}).
 */
final class DigestWindow {

    static final String WINDOW_KEY = "relay.email.window";
    static final String SCHEDULE_KEY = "relay.email.schedule";

    private static final Logger LOG = LoggerFactory.getLogger(DigestWindow.class);

    private DigestWindow() {
    }

    static void check(Settings settings) {
        String window = settings.get(WINDOW_KEY, "cycle");
        switch (window) {
            case "cycle" -> {
            }
            case "cron" -> {
                String schedule = settings.require(SCHEDULE_KEY, "when digests are sent with " + WINDOW_KEY + "=cron");
                if (!CronExpression.isValidExpression(schedule)) {
                    throw Settings.invalid(SCHEDULE_KEY, schedule, "a Quartz cron expression: seconds minutes hours "
                            + "day-of-month month day-of-week, e.g. 0 0 8 ? * MON-FRI");
                }
                if (settings.getBoolean("relay.once", false)) {
                    LOG.warn("{}=cron in a one-shot run: gathered connections wait in the state database until a "
                            + "running relay reaches {} ({})", WINDOW_KEY, schedule, SCHEDULE_KEY);
                }
            }
            default -> throw Settings.invalid(WINDOW_KEY, window, "cycle or cron (in lower case)");
        }
    }
}
