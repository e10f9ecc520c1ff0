package io.connectionrelay.enrich;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import io.connectionrelay.core.ConfigurationException;
import io.connectionrelay.core.Settings;
import io.connectionrelay.record.ConnectionRecord;
import io.connectionrelay.record.Person;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Who looks after a connection that arrives without an account manager (Terminal never sends one,
 * Crux sometimes sends null). Rules come from a CSV file (relay.enrich.directory-file):
 * <pre>
 *   match_field,match_value,manager_name,manager_email
 *   counterparty,Acme Inc.,Ana García,ana.garcia@example.com
 *   default,,Partner Operations,partner-ops@example.com
 * </pre>
 * match_field is source, counterparty (partner name), provider, tag or default; values match
 * ignoring case. The first matching row wins, in file order; without a default row,
 * relay.enrich.default-manager.name/email are the fallback. A malformed file stops startup with
 * its name and line.
 */
public final class AccountManagerDirectory {

    static final String FILE_KEY = "relay.enrich.directory-file";
    static final List<String> COLUMNS = List.of("match_field", "match_value", "manager_name", "manager_email");
    private static final CSVFormat FORMAT = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true)
            .setCommentMarker('#').setIgnoreEmptyLines(true).setTrim(true).get();

    enum Field { SOURCE, COUNTERPARTY, PROVIDER, TAG, DEFAULT }

    record Rule(Field field, String value, Person manager, String description) {

        boolean matches(ConnectionRecord record) {
            return switch (field) {
                case SOURCE -> value.equalsIgnoreCase(record.source());
                case COUNTERPARTY -> record.counterparty() != null && record.counterparty().name() != null
                        && value.equalsIgnoreCase(record.counterparty().name().trim());
                case PROVIDER -> value.equalsIgnoreCase(record.provider());
                case TAG -> record.tags() != null && record.tags().stream().anyMatch(value::equalsIgnoreCase);
                case DEFAULT -> true;
            };
        }
    }

    /** A manager and who chose it: vendor, the directory rule, or default. */
    public record Assignment(Person manager, String assignedBy) {
    }

    private final List<Rule> rules;

    AccountManagerDirectory(List<Rule> rules) {
        this.rules = List.copyOf(rules);
    }

    public static AccountManagerDirectory load(Settings settings) {
        List<Rule> rules = new ArrayList<>();
        Optional<String> file = settings.get(FILE_KEY);
        if (file.isPresent()) {
            rules.addAll(read(Path.of(file.get())));
        }
        boolean hasDefault = rules.stream().anyMatch(r -> r.field() == Field.DEFAULT);
        Optional<String> name = settings.get("relay.enrich.default-manager.name");
        Optional<String> email = settings.get("relay.enrich.default-manager.email");
        if (!hasDefault && (name.isPresent() || email.isPresent())) {
            rules.add(new Rule(Field.DEFAULT, "", Person.of(name.orElse(null), email.orElse(null)), "default"));
        }
        return new AccountManagerDirectory(rules);
    }

    static List<Rule> read(Path file) {
        if (!Files.isReadable(file)) {
            throw Settings.invalid(FILE_KEY, file.toString(), "a readable CSV file (leave it empty for no directory)");
        }
        List<Rule> rules = new ArrayList<>();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8);
             CSVParser parser = CSVParser.parse(in, FORMAT)) {
            if (!parser.getHeaderNames().equals(COLUMNS)) {
                throw malformed(file, 1, "the header must be " + String.join(",", COLUMNS) + " but is "
                        + String.join(",", parser.getHeaderNames()));
            }
            for (CSVRecord row : parser) {
                Rule rule = rule(file, parser.getCurrentLineNumber(), row);
                if (!rules.isEmpty() && rules.get(rules.size() - 1).field() == Field.DEFAULT) {
                    throw malformed(file, parser.getCurrentLineNumber(), "no row can follow the default row, "
                            + "which matches everything");
                }
                rules.add(rule);
            }
        } catch (IOException | UncheckedIOException | IllegalArgumentException e) {
            throw new ConfigurationException("Account-manager directory " + file + " (" + FILE_KEY + ") cannot be read: "
                    + e.getMessage(), e);
        }
        return rules;
    }

    private static Rule rule(Path file, long line, CSVRecord row) {
        if (row.size() != COLUMNS.size()) {
            throw malformed(file, line, "expected " + COLUMNS.size() + " columns (" + String.join(",", COLUMNS)
                    + ") but found " + row.size());
        }
        Field field;
        try {
            field = Field.valueOf(row.get(0).toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw malformed(file, line, "match_field '" + row.get(0) + "' is not one of source, counterparty, "
                    + "provider, tag, default");
        }
        String value = row.get(1);
        if (field == Field.DEFAULT ? !value.isEmpty() : value.isEmpty()) {
            throw malformed(file, line, field == Field.DEFAULT ? "a default row has no match_value"
                    : "match_value is empty");
        }
        String email = row.get(3);
        if (!email.matches("[^@\\s]+@[^@\\s]+")) {
            throw malformed(file, line, "manager_email '" + email + "' is not an email address");
        }
        Person manager = Person.of(row.get(2).isEmpty() ? null : row.get(2), email);
        String description = field == Field.DEFAULT ? "default"
                : "rule " + field.name().toLowerCase(Locale.ROOT) + "=" + value + " (" + file.getFileName() + " line "
                + line + ")";
        return new Rule(field, value, manager, description);
    }

    private static ConfigurationException malformed(Path file, long line, String problem) {
        return new ConfigurationException("Account-manager directory " + file + " line " + line + ": " + problem
                + " (file set by " + FILE_KEY + ", environment variable " + Settings.envName(FILE_KEY) + ")");
    }

    /**
     * The vendor's manager when the record has one (a person with a name or an email), otherwise
     * the first matching rule's; empty when nothing matches and no default is configured.
     */
    public Optional<Assignment> assign(ConnectionRecord record) {
        Person vendor = record.accountManager();
        if (vendor != null && (vendor.name() != null || vendor.email() != null)) {
            return Optional.of(new Assignment(vendor, "vendor"));
        }
        return rules.stream().filter(r -> r.matches(record)).findFirst()
                .map(r -> new Assignment(r.manager(), r.description()));
    }
}
