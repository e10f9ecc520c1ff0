package io.connectionrelay.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

/** A Crux payload of pending connections spread evenly over a number of account managers. */
final class PendingPayload {

    private PendingPayload() {
    }

    static Path write(Path file, int connections, int managers) throws IOException {
        try (OutputStream out = Files.newOutputStream(file);
                JsonGenerator json = new JsonFactory().createGenerator(out, JsonEncoding.UTF8)) {
            json.writeStartArray();
            for (int i = 0; i < connections; i++) {
                int manager = i % managers;
                json.writeStartObject();
                json.writeStringField("uuid", new UUID(7, i).toString());
                json.writeStringField("status", "CONFIRMATION WAITING");
                side(json, "retailer", "Our Retail Co", null);
                side(json, "supplier", "Supplier " + i + " Ltd", "contact" + i + "@supplier" + i + ".example");
                json.writeObjectFieldStart("account_manager");
                json.writeObjectFieldStart("person");
                json.writeStringField("first_name", "Manager");
                json.writeStringField("last_name", String.valueOf(manager));
                json.writeStringField("email", "manager" + manager + "@relay.example");
                json.writeEndObject();
                json.writeEndObject();
                json.writeEndObject();
            }
            json.writeEndArray();
        }
        return file;
    }

    private static void side(JsonGenerator json, String field, String name, String contactEmail) throws IOException {
        json.writeObjectFieldStart(field);
        json.writeObjectFieldStart("organization");
        json.writeStringField("uuid", UUID.nameUUIDFromBytes(name.getBytes()).toString());
        json.writeStringField("name", name);
        json.writeStringField("created_date", "2026-10-01T09:00:00Z");
        json.writeEndObject();
        if (contactEmail != null) {
            json.writeObjectFieldStart("contact");
            json.writeStringField("first_name", "Pat");
            json.writeStringField("last_name", "Contact");
            json.writeStringField("email", contactEmail);
            json.writeEndObject();
        }
        json.writeEndObject();
    }
}
