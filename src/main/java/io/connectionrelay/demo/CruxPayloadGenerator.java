package io.connectionrelay.demo;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Writes a Crux GET /timp/organizations/connections/ payload: the documented example's three
 * connections, then generated ones shaped like them (about 2 KB each) with the nulls real payloads
 * have, every status, and the names that break naive exporters: commas, quotes, line breaks,
 * formula prefixes, HTML and non-Latin scripts. Streams, so it can write a million records.
 */
public class CruxPayloadGenerator {

    public static final String SEED = "/demo/crux-connections.json";

    static final String[] HOSTILE_NAMES = {
        "Stevens, Smith and \"Krause\"", "Line\r\nBreak Logistics", "=HYPERLINK(\"http://x\")", "+44 Traders",
        "-Minus Ltd", "@Sum Corp", "<script>alert(1)</script> Foods", "Sūn Démíng (孫德明) 贸易", "Ωmega Λogistics",
        "Ащьф Торговля", "شركة الشحن", "Tab\tSeparated GmbH"
    };
    static final String[] STATUSES = {"ACTIVE", "ACTIVE", "ACTIVE", "CONFIRMATION WAITING", "CONFIRMATION WAITING",
        "DEACTIVATED"};
    static final String[][] MANAGERS = {
        {"Joe", "Account", "joe@cruxaccountmanager.com"}, {"Ana", "García", "ana.garcia@example.com"},
        {"Wei", "Zhang", "wei.zhang@example.com"}, {"Priya", "Nair", "priya.nair@example.com"}, null
    };

    /**
     * On odd rounds, every tenth generated connection from the fourth swaps ACTIVE and
     * DEACTIVATED (webhooks see status changes) or, when pending, becomes ACTIVE (a digest's
     * "resolved"); every tenth from the eighth, when active, becomes pending (a digest's "new").
     */
    static final int FLIP_EVERY = 10;
    static final int FLIP_FIRST = 3;
    static final int TO_PENDING = 7;

    private final ObjectMapper mapper = new ObjectMapper();
    private final JsonFactory factory = mapper.getFactory();
    private final AtomicInteger calls = new AtomicInteger();

    /** Seed connections first, then {@code generated} more; the same seed always gives the same bytes. */
    public void write(OutputStream out, int generated, long seed) throws IOException {
        write(out, generated, seed, 0);
    }

    /**
     * As {@link #write(OutputStream, int, long)}, except that on odd rounds a few generated
     * connections have the other status; round 0 is the same payload. The seed's connections never change.
     */
    public void write(OutputStream out, int generated, long seed, int round) throws IOException {
        Random random = new Random(seed);
        try (JsonGenerator json = factory.createGenerator(out, JsonEncoding.UTF8)) {
            json.writeStartArray();
            try (InputStream in = getClass().getResourceAsStream(SEED); JsonParser parser = factory.createParser(in)) {
                parser.nextToken();
                while (parser.nextToken() == JsonToken.START_OBJECT) {
                    json.writeTree(mapper.readTree(parser));
                }
            }
            for (int i = 0; i < generated; i++) {
                writeConnection(json, i, random, round % 2 == 1);
                if (i % 1000 == 0) {
                    json.flush();
                }
            }
            json.writeEndArray();
        }
    }

    private void writeConnection(JsonGenerator json, int i, Random random, boolean flipped) throws IOException {
        String name = i % 7 == 0 ? HOSTILE_NAMES[(i / 7) % HOSTILE_NAMES.length] + " #" + i : "Partner " + i + " Supply Co";
        String[] manager = MANAGERS[random.nextInt(MANAGERS.length)];
        json.writeStartObject();
        json.writeStringField("uuid", uuid(random));
        json.writeFieldName("retailer");
        side(json, "projectthanos", "RETAILER", "ACTIVE", MANAGERS[0], "owner", "user", "owneruser7@projectthanos.com",
                random);
        json.writeFieldName("supplier");
        side(json, name, "SUPPLIER", i % 11 == 0 ? "PENDING" : "ACTIVE", null, "Contact" + i,
                i % 5 == 0 ? "Ł\u00f3d\u017a" : "Person", "contact" + i + "@partner" + i + ".example", random);
        String status = STATUSES[random.nextInt(STATUSES.length)];
        if (flipped && i % FLIP_EVERY == FLIP_FIRST) {
            status = switch (status) {
                case "ACTIVE" -> "DEACTIVATED";
                case "DEACTIVATED", "CONFIRMATION WAITING" -> "ACTIVE";
                default -> status;
            };
        } else if (flipped && i % FLIP_EVERY == TO_PENDING && status.equals("ACTIVE")) {
            status = "CONFIRMATION WAITING";
        }
        json.writeStringField("status", status);
        json.writeFieldName("account_manager");
        person(json, manager, random);
        json.writeNullField("allocation_type");
        if (i % 3 == 0) {
            json.writeNullField("suppliers_retailer_account_number");
        } else {
            json.writeStringField("suppliers_retailer_account_number", i % 3 == 1 ? "" : "SR-" + i);
        }
        json.writeNullField("retailers_supplier_account_number");
        json.writeNullField("deactivated_date");
        json.writeEndObject();
    }

    private static void side(JsonGenerator json, String orgName, String type, String status, String[] manager,
            String first, String last, String email, Random random) throws IOException {
        json.writeStartObject();
        json.writeStringField("uuid", uuid(random));
        json.writeObjectFieldStart("organization");
        json.writeStringField("uuid", uuid(random));
        json.writeStringField("name", orgName);
        json.writeStringField("website", "www." + orgName.replaceAll("[^A-Za-z0-9]", "").toLowerCase() + ".example");
        json.writeStringField("org_type", type);
        json.writeStringField("status", status);
        json.writeStringField("created_date", "20" + (18 + random.nextInt(7)) + "-0" + (1 + random.nextInt(9))
                + "-1" + random.nextInt(10) + "T12:55:17.774287Z");
        json.writeNullField("active_date");
        json.writeFieldName("account_manager");
        person(json, manager, random);
        json.writeStringField("retailer_uuid", type.equals("RETAILER") ? uuid(random) : "");
        json.writeStringField("supplier_uuid", type.equals("SUPPLIER") ? uuid(random) : "");
        json.writeEndObject();
        json.writeObjectFieldStart("contact");
        json.writeStringField("uuid", uuid(random));
        json.writeStringField("first_name", first);
        json.writeStringField("last_name", last);
        json.writeStringField("email", email);
        if (random.nextInt(4) == 0) {
            json.writeNullField("phone");
            json.writeNullField("job_title");
        } else {
            json.writeStringField("phone", "+1-555-" + (1000 + random.nextInt(9000)));
            json.writeStringField("job_title", "Account Manager");
        }
        json.writeEndObject();
        json.writeEndObject();
    }

    private static void person(JsonGenerator json, String[] manager, Random random) throws IOException {
        if (manager == null) {
            json.writeNull();
            return;
        }
        json.writeStartObject();
        json.writeStringField("uuid", uuid(random));
        json.writeObjectFieldStart("person");
        json.writeStringField("uuid", uuid(random));
        json.writeStringField("first_name", manager[0]);
        json.writeStringField("last_name", manager[1]);
        json.writeStringField("email", manager[2]);
        json.writeStringField("phone", "07365022005");
        json.writeStringField("job_title", "Account Manager");
        json.writeEndObject();
        json.writeEndObject();
    }

    private static String uuid(Random random) {
        return new UUID(random.nextLong(), random.nextLong()).toString();
    }

    /**
     * For the simulated API: the same connections on every call, but a few change status from one
     * call to the next (deterministically, by call number), so a running demo shows status changes.
     */
    public byte[] payload(int generated) throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        write(out, generated, 42L, calls.getAndIncrement());
        return out.toByteArray();
    }
}
