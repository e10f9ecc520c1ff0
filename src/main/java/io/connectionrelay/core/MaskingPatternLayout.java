package io.connectionrelay.core;

import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.ILoggingEvent;

/**
 * Logback's pattern layout with every rendered line (message, stack trace and all) passed through
 * {@link SecretMasker#process()}, so a credential logged by any library (Camel's retry messages,
 * the HTTP client's wire log when someone turns it on) never reaches the log.
 */
public class MaskingPatternLayout extends PatternLayout {

    @Override
    public String doLayout(ILoggingEvent event) {
        return SecretMasker.process().mask(super.doLayout(event));
    }
}
