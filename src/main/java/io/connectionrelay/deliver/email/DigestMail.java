package io.connectionrelay.deliver.email;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Date;
import java.util.Properties;
import java.util.UUID;

import io.connectionrelay.deliver.export.FileNames;
import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.apache.camel.Exchange;

/**
 * A rendered digest travels as RFC 822 text (an .eml): what direct:email-send takes, what the
 * outbox holds and what a dead-letter entry keeps, so a replay sends the very same message,
 * Message-ID included (receivers can drop a duplicate).
 */
public class DigestMail {

    /** The digest's recipient, for the log line once it is sent. */
    static final String TO = "relayDigestTo";
    /** The Message-ID of the digest being sent, which the state database keeps with what it listed. */
    static final String MESSAGE_ID = "emailDigestMessageId";
    private static final Session SESSION = Session.getInstance(new Properties());
    private static final DateTimeFormatter FILE_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);

    /** A message whose Message-ID names the sender's domain, not this host and user. */
    static MimeMessage newMessage(InternetAddress from) {
        String address = from.getAddress();
        String domain = address.substring(address.indexOf('@') + 1);
        return new MimeMessage(SESSION) {
            @Override
            protected void updateMessageID() throws MessagingException {
                setHeader("Message-ID", "<digest." + UUID.randomUUID() + "@" + domain + ">");
            }
        };
    }

    static String toText(MimeMessage message) throws IOException, MessagingException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        message.writeTo(out);
        // headers are RFC 2047 encoded and parts quoted-printable or base64: the text is ASCII
        return out.toString(StandardCharsets.UTF_8);
    }

    /** Checks the saved text is a message with a recipient, and names it for the log and the outbox. */
    public void prepare(Exchange exchange) throws MessagingException {
        MimeMessage message = toMimeMessage(exchange.getMessage().getBody(String.class));
        Address[] to = message.getAllRecipients();
        if (to == null || to.length == 0) {
            throw new MessagingException("the digest message has no recipient");
        }
        Date sent = message.getSentDate();
        String id = message.getMessageID();
        exchange.setProperty(MESSAGE_ID, id);
        exchange.getMessage().setHeader(TO, HeaderText.oneLine(((InternetAddress) to[0]).toUnicodeString()));
        exchange.getMessage().setHeader(Exchange.FILE_NAME, "digest-"
                + FILE_TIME.format((sent == null ? new Date() : sent).toInstant()) + "-"
                + FileNames.safe(((InternetAddress) to[0]).getAddress()) + "-"
                + Integer.toHexString(id == null ? 0 : id.hashCode()) + ".eml");
    }

    public MimeMessage toMimeMessage(String text) throws MessagingException {
        if (text == null || text.isBlank()) {
            throw new MessagingException("no digest message to send (empty body)");
        }
        return new MimeMessage(SESSION, new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * Before a failed send is dead-lettered: the body may be the parsed message, whose String
     * conversion would keep only its text; the entry must hold the whole message.
     */
    public static void restoreText(Exchange exchange) throws IOException, MessagingException {
        if (exchange.getMessage().getBody() instanceof MimeMessage message) {
            exchange.getMessage().setBody(toText(message));
        }
    }
}
