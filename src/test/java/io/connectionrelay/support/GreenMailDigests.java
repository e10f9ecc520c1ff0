package io.connectionrelay.support;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.icegreen.greenmail.util.GreenMail;
import jakarta.mail.BodyPart;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * The email channel's receiving side: the digests an SMTP server (GreenMail) received, read
 * through their CSV attachment (relay.email.attach-csv=true), whose source and connection_id
 * columns name each listed connection exactly.
 */
public final class GreenMailDigests implements DeliveryObserver {

    private final GreenMail smtp;

    private GreenMailDigests(GreenMail smtp) {
        this.smtp = smtp;
    }

    public static GreenMailDigests of(GreenMail smtp) {
        return new GreenMailDigests(smtp);
    }

    @Override
    public String channel() {
        return "email";
    }

    public int received() {
        return smtp.getReceivedMessages().length;
    }

    @Override
    public Set<String> delivered() throws Exception {
        Set<String> keys = new LinkedHashSet<>();
        for (MimeMessage message : smtp.getReceivedMessages()) {
            keys.addAll(listed(message));
        }
        return keys;
    }

    /** A Message-ID received twice, or a connection listed in two digests to the same recipient. */
    @Override
    public List<String> duplicates() throws Exception {
        List<String> duplicates = new ArrayList<>();
        Map<String, Integer> byMessageId = new HashMap<>();
        Map<String, Integer> byRecipientAndKey = new HashMap<>();
        for (MimeMessage message : smtp.getReceivedMessages()) {
            byMessageId.merge(message.getMessageID(), 1, Integer::sum);
            String to = message.getAllRecipients()[0].toString();
            for (String key : listed(message)) {
                byRecipientAndKey.merge(to + " " + key, 1, Integer::sum);
            }
        }
        byMessageId.forEach((id, n) -> {
            if (n > 1) {
                duplicates.add("digest " + id + " received " + n + " times");
            }
        });
        byRecipientAndKey.forEach((key, n) -> {
            if (n > 1) {
                duplicates.add("connection listed in " + n + " digests to " + key);
            }
        });
        return duplicates;
    }

    /** A dead-lettered digest is the complete MIME message: read its attachment. */
    @Override
    public boolean names(String payload, String connectionId) {
        try {
            MimeMessage message = new MimeMessage(Session.getInstance(new java.util.Properties()),
                    new ByteArrayInputStream(payload.getBytes(StandardCharsets.UTF_8)));
            return listed(message).stream().anyMatch(key -> key.endsWith(":" + connectionId));
        } catch (MessagingException | IOException e) {
            return false;
        }
    }

    /** source:connectionId of each row of the digest's CSV attachment. */
    static Set<String> listed(Part part) throws MessagingException, IOException {
        Set<String> keys = new LinkedHashSet<>();
        if (part.isMimeType("multipart/*")) {
            Multipart multipart = (Multipart) part.getContent();
            for (int i = 0; i < multipart.getCount(); i++) {
                BodyPart child = multipart.getBodyPart(i);
                keys.addAll(listed(child));
            }
        } else if (part.isMimeType("text/csv")) {
            try (CSVParser rows = CSVParser.parse(new InputStreamReader(part.getInputStream(), StandardCharsets.UTF_8),
                    CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get())) {
                for (CSVRecord row : rows) {
                    keys.add(row.get("source") + ":" + row.get("connection_id"));
                }
            }
        }
        return keys;
    }

    @Override
    public String toString() {
        return "email digests received by GreenMail";
    }
}
