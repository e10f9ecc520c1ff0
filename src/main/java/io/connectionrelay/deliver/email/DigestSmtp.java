package io.connectionrelay.deliver.email;

import java.time.Duration;
import java.util.Locale;
import java.util.Properties;

import io.connectionrelay.core.Settings;
import org.apache.camel.component.mail.MailComponent;
import org.apache.camel.component.mail.MailConfiguration;

/**
 * The camel-mail component digests are sent through, registered as {@code digest-smtp}: it holds
 * the relay.email.smtp.* settings, so the endpoint URI in routes/deliver/email.yaml names only the
 * host and no credential ever appears in a URI, a route definition or a log line.
 */
final class DigestSmtp {

    static final String COMPONENT = "digest-smtp";
    static final String SECURITY_KEY = "relay.email.smtp.security";
    /** Unset, the port follows the security: 25, 587 or 465. */
    private static final String PORT_KEY = "relay.email.smtp.port";

    private DigestSmtp() {
    }

    static MailComponent component(Settings settings) {
        String security = settings.getString(SECURITY_KEY).toLowerCase(Locale.ROOT);
        String protocol;
        int defaultPort;
        switch (security) {
            case "none" -> {
                protocol = "smtp";
                defaultPort = 25;
            }
            case "starttls" -> {
                protocol = "smtp";
                defaultPort = 587;
            }
            case "smtps" -> {
                protocol = "smtps";
                defaultPort = 465;
            }
            default -> throw Settings.invalid(SECURITY_KEY, security, "none, starttls or smtps");
        }
        Duration connect = settings.getDuration("relay.email.smtp.connect-timeout");
        Duration read = settings.getDuration("relay.email.smtp.read-timeout");

        MailConfiguration configuration = new MailConfiguration();
        configuration.configureProtocol(protocol);
        // the component name is not a mail protocol: keep the one chosen here
        configuration.setIgnoreUriScheme(true);
        configuration.setPort(settings.get(PORT_KEY).isPresent() ? settings.getInt(PORT_KEY) : defaultPort);
        settings.get("relay.email.smtp.username").ifPresent(configuration::setUsername);
        settings.get("relay.email.smtp.password").ifPresent(configuration::setPassword);
        configuration.setConnectionTimeout(Math.toIntExact(connect.toMillis()));
        Properties mail = new Properties();
        String prefix = "mail." + protocol + ".";
        mail.setProperty(prefix + "timeout", Long.toString(read.toMillis()));
        mail.setProperty(prefix + "writetimeout", Long.toString(read.toMillis()));
        if (!security.equals("none")) {
            mail.setProperty(prefix + "ssl.checkserveridentity", "true");
        }
        if (security.equals("starttls")) {
            // required: never fall back to sending credentials and data in clear text
            mail.setProperty(prefix + "starttls.enable", "true");
            mail.setProperty(prefix + "starttls.required", "true");
        }
        configuration.setAdditionalJavaMailProperties(mail);
        return new MailComponent(configuration);
    }
}
