package io.connectionrelay.core;

import java.util.Locale;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.LayoutBase;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;

/**
 * The console encoder of logback.xml: text lines through {@link MaskingPatternLayout}, or with
 * format json one JSON object per line through {@link MaskingJsonLayout}. Either way every
 * credential is masked. An unknown format logs text (the relay then stops on the setting, see
 * SettingsSchema).
 */
public class RelayLogEncoder extends LayoutWrappingEncoder<ILoggingEvent> {

    private String format = LogFormat.TEXT;
    private String pattern;

    public void setFormat(String format) {
        this.format = format == null ? LogFormat.TEXT : format.trim().toLowerCase(Locale.ROOT);
    }

    /** The text format's pattern. */
    public void setPattern(String pattern) {
        this.pattern = pattern;
    }

    @Override
    public void start() {
        LayoutBase<ILoggingEvent> layout;
        if (LogFormat.JSON.equals(format)) {
            layout = new MaskingJsonLayout();
        } else {
            if (!LogFormat.TEXT.equals(format)) {
                addWarn(LogFormat.KEY + " is '" + format + "', not one of " + LogFormat.FORMATS + ": logging text");
            }
            MaskingPatternLayout text = new MaskingPatternLayout();
            text.setPattern(pattern);
            layout = text;
        }
        layout.setContext(getContext());
        layout.start();
        setLayout(layout);
        super.start();
    }
}
