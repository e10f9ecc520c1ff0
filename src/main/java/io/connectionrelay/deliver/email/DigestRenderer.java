package io.connectionrelay.deliver.email;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;

import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.MustacheException;
import com.github.mustachejava.MustacheFactory;
import io.connectionrelay.core.SettingKind;
import io.connectionrelay.core.Settings;
import io.connectionrelay.deliver.export.CsvColumns;
import io.connectionrelay.deliver.export.FormulaGuard;
import io.connectionrelay.record.ConnectionRecord;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Part;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.util.ByteArrayDataSource;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * Turns one manager's {@link Digest} into a complete MIME message (RFC 822 text, what an .eml
 * file holds): subject, a plain-text and an HTML alternative from the Mustache templates in
 * relay.email.templates-folder, and optionally the connections that need attention as a CSV
 * attachment. Templates are read from the file system for every digest, so an operator's edit
 * applies to the next one.
 */
public class DigestRenderer {

    static final String SUBJECT = "digest-subject.mustache";
    static final String TEXT = "digest.txt.mustache";
    static final String HTML = "digest.html.mustache";
    static final String TEMPLATES_KEY = "relay.email.templates-folder";

    /** What relay.email.templates-folder takes when email is routed, checked with every other setting at startup. */
    public static final SettingKind TEMPLATES = SettingKind.parsedBy("a folder holding the digest templates "
            + SUBJECT + ", " + TEXT + " and " + HTML, folder -> requireTemplates(Path.of(folder)));

    /** What relay.email.from takes, checked with every other setting at startup. */
    public static final SettingKind FROM = SettingKind.parsedBy("one mail address such as "
            + "Connection Relay <relay@example.com>", DigestRenderer::address);
    private static final DateTimeFormatter CSV_DATE = DateTimeFormatter.ofPattern("yyyyMMdd").withZone(ZoneOffset.UTC);

    private final Path templates;
    private final InternetAddress from;
    private final boolean attachCsv;
    private final boolean formulaGuard;
    private final Clock clock;
    private final ZoneId zone;

    public DigestRenderer(Settings settings, Clock clock, ZoneId zone) {
        this.templates = Path.of(settings.getString(TEMPLATES_KEY));
        this.from = fromAddress(settings);
        this.attachCsv = settings.getBoolean("relay.email.attach-csv");
        this.formulaGuard = settings.getBoolean("relay.csv.formula-guard");
        this.clock = clock;
        this.zone = zone;
    }

    /** Fails at startup, naming the setting, when a template is missing. */
    void checkTemplates() {
        TEMPLATES.check(TEMPLATES_KEY, templates.toString());
    }

    private static void requireTemplates(Path folder) {
        for (String name : List.of(SUBJECT, TEXT, HTML)) {
            if (!Files.isRegularFile(folder.resolve(name))) {
                throw new IllegalArgumentException(name + " is missing");
            }
        }
    }

    /** One manager's digest as a complete message (RFC 822 text). */
    public String render(Digest digest) throws IOException, MessagingException {
        Instant now = clock.instant();
        Map<String, Object> model = DigestModel.of(digest, now, zone, attachCsv);

        MimeMessage message = DigestMail.newMessage(from);
        message.setFrom(from);
        message.setRecipient(Message.RecipientType.TO, digest.recipient().address());
        message.setSubject(HeaderText.oneLine(render(plainText(), SUBJECT, model)), StandardCharsets.UTF_8.name());
        message.setSentDate(Date.from(now));

        MimeMultipart alternative = new MimeMultipart("alternative");
        alternative.addBodyPart(textPart(render(plainText(), TEXT, model), "plain"));
        alternative.addBodyPart(textPart(render(new DefaultMustacheFactory(templates.toFile()), HTML, model), "html"));
        if (attachCsv) {
            MimeBodyPart body = new MimeBodyPart();
            body.setContent(alternative);
            MimeMultipart mixed = new MimeMultipart("mixed");
            mixed.addBodyPart(body);
            mixed.addBodyPart(csvPart(outstanding(digest), now));
            message.setContent(mixed);
        } else {
            message.setContent(alternative);
        }
        return DigestMail.toText(message);
    }

    /** What the attachment lists: the connections that still need attention, oldest first. */
    private static List<ConnectionRecord> outstanding(Digest digest) {
        return digest.entries().stream().filter(e -> e.section() != DigestEntry.Section.RESOLVED)
                .sorted(DigestModel.ORDER).map(DigestEntry::record).toList();
    }

    private String render(MustacheFactory factory, String template, Map<String, Object> model) {
        Writer out = new StringWriter();
        try {
            factory.compile(template).execute(out, model);
        } catch (MustacheException e) {
            throw new IllegalStateException("digest template " + templates.resolve(template) + " ("
                    + TEMPLATES_KEY + ") cannot be rendered: " + e.getMessage(), e);
        }
        return out.toString();
    }

    /** Mustache escapes for HTML by default; the subject and the plain-text part must be left as they are. */
    private MustacheFactory plainText() {
        return new DefaultMustacheFactory(templates.toFile()) {
            @Override
            public void encode(String value, Writer writer) {
                try {
                    writer.write(value);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        };
    }

    private static MimeBodyPart textPart(String text, String subtype) throws MessagingException {
        MimeBodyPart part = new MimeBodyPart();
        part.setText(text, StandardCharsets.UTF_8.name(), subtype);
        return part;
    }

    /** The CSV channel's columns and formula guard, so the attachment reads like a CSV export. */
    private MimeBodyPart csvPart(List<ConnectionRecord> records, Instant now) throws IOException, MessagingException {
        StringBuilder csv = new StringBuilder();
        try (CSVPrinter printer = new CSVPrinter(csv, CSVFormat.RFC4180)) {
            printer.printRecord(CsvColumns.headers());
            for (ConnectionRecord record : records) {
                List<String> row = new ArrayList<>();
                for (CsvColumns column : CsvColumns.values()) {
                    String value = column.valueOf(record);
                    row.add(formulaGuard ? FormulaGuard.neutralize(value) : value);
                }
                printer.printRecord(row);
            }
        }
        MimeBodyPart part = new MimeBodyPart();
        part.setDataHandler(new jakarta.activation.DataHandler(new ByteArrayDataSource(
                csv.toString().getBytes(StandardCharsets.UTF_8), "text/csv; charset=UTF-8")));
        part.setFileName("partner-connections-" + CSV_DATE.format(now) + ".csv");
        part.setDisposition(Part.ATTACHMENT);
        return part;
    }

    private static InternetAddress fromAddress(Settings settings) {
        // required only when email is routed (SettingsSchema); the renderer is built either way
        String value = settings.get("relay.email.from").orElse("connection-relay@localhost");
        FROM.check("relay.email.from", value);
        return address(value);
    }

    private static InternetAddress address(String value) {
        try {
            InternetAddress[] parsed = InternetAddress.parse(HeaderText.oneLine(value), true);
            if (parsed.length != 1) {
                throw new AddressException("exactly one address expected");
            }
            parsed[0].validate();
            return parsed[0];
        } catch (AddressException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }
}
