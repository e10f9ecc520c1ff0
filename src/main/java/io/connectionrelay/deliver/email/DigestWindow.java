package io.connectionrelay.deliver.email;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Date;
import java.util.TimeZone;

import io.connectionrelay.core.Settings;
import org.quartz.CronExpression;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When digests go out (docs/channels.md, "Email digests"), after Prometheus Alertmanager's grouping: one
 * group per manager; with {@code news} (the default) a group with news waits group-wait from its
 * first news and group-interval from its last digest, so one cycle's news from every source
 * arrives in one email, and an unchanged group is re-sent as a reminder after repeat-interval
 * (0s: never). With {@code cron} every non-empty group goes out on the schedule, in time-zone,
 * whatever the news.
 */
record DigestWindow(Mode mode, Duration groupWait, Duration groupInterval, Duration repeatInterval,
        String schedule, ZoneId zone) {

    enum Mode { NEWS, CRON }

    static final String WINDOW_KEY = "relay.email.window";
    static final String SCHEDULE_KEY = "relay.email.schedule";
    static final String ZONE_KEY = "relay.email.time-zone";

    private static final Logger LOG = LoggerFactory.getLogger(DigestWindow.class);

    static DigestWindow of(Settings settings) {
        String window = settings.getString(WINDOW_KEY);
        Mode mode = switch (window) {
            case "news" -> Mode.NEWS;
            case "cycle" -> {
                // the old name: what it did (the same list every cycle) is what news replaces
                LOG.warn("{}=cycle is read as news: a digest goes out when a manager's connections change, and "
                        + "an unchanged list is re-sent after relay.email.repeat-interval", WINDOW_KEY);
                yield Mode.NEWS;
            }
            case "cron" -> Mode.CRON;
            default -> throw Settings.invalid(WINDOW_KEY, window, "news or cron (in lower case)");
        };
        String zoneName = settings.getString(ZONE_KEY);
        ZoneId zone;
        try {
            zone = ZoneId.of(zoneName);
        } catch (DateTimeException e) {
            throw Settings.invalid(ZONE_KEY, zoneName, "a time zone such as UTC or Europe/Berlin");
        }
        String schedule = settings.getString(SCHEDULE_KEY);
        if (mode == Mode.CRON) {
            settings.require(SCHEDULE_KEY, "when digests are sent with " + WINDOW_KEY + "=cron");
            if (!CronExpression.isValidExpression(schedule)) {
                throw Settings.invalid(SCHEDULE_KEY, schedule, "a Quartz cron expression: seconds minutes hours "
                        + "day-of-month month day-of-week, e.g. 0 0 8 ? * MON-FRI");
            }
            if (settings.getBoolean("relay.once")) {
                LOG.warn("{}=cron in a one-shot run: connections wait in the state database until a running relay "
                        + "reaches {} ({})", WINDOW_KEY, schedule, SCHEDULE_KEY);
            }
        }
        return new DigestWindow(mode,
                settings.getDuration("relay.email.group-wait"),
                settings.getDuration("relay.email.group-interval"),
                settings.getDuration("relay.email.repeat-interval"),
                schedule, zone);
    }

    /** The schedule's next firing after the given instant, read in the window's time zone. */
    Instant nextScheduled(Instant after) {
        try {
            CronExpression cron = new CronExpression(schedule);
            cron.setTimeZone(TimeZone.getTimeZone(zone));
            return cron.getNextValidTimeAfter(Date.from(after)).toInstant();
        } catch (java.text.ParseException e) {
            throw new IllegalStateException("checked at startup: " + schedule, e);
        }
    }

    boolean remindsAtAll() {
        return !repeatInterval.isZero();
    }
}
