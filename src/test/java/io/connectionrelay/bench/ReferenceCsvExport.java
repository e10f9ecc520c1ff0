package io.connectionrelay.bench;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * The reference the bundle is measured against: the same HTTP payload parsed with Jackson's
 * streaming parser and written with Commons CSV in one thread. No Camel, no routing, no enrichment:
 * what this machine can do for the same bytes in, comparable rows out. It reads with
 * HttpURLConnection, which on loopback moves the bytes about five times faster than
 * java.net.http.HttpClient's InputStream handler: the reference must not be held back by its client.
 */
final class ReferenceCsvExport {

    private ReferenceCsvExport() {
    }

    static long run(String url, Path out) throws IOException, InterruptedException {
        HttpURLConnection connection = (HttpURLConnection) URI.create(url).toURL().openConnection();
        connection.setRequestProperty("Authorization", "Token bench-token-5f2c");
        ObjectMapper mapper = new ObjectMapper();
        long rows = 0;
        try (InputStream in = connection.getInputStream();
                JsonParser parser = mapper.getFactory().createParser(in);
                BufferedWriter writer = Files.newBufferedWriter(out, StandardCharsets.UTF_8);
                CSVPrinter csv = new CSVPrinter(writer, CSVFormat.RFC4180)) {
            parser.nextToken();
            while (parser.nextToken() == JsonToken.START_OBJECT) {
                JsonNode c = mapper.readTree(parser);
                JsonNode supplier = c.path("supplier");
                JsonNode org = supplier.path("organization");
                JsonNode contact = supplier.path("contact");
                JsonNode manager = c.path("account_manager").path("person");
                csv.printRecord("bench", "crux", c.path("uuid").asText(), c.path("status").asText(),
                        org.path("name").asText(), org.path("uuid").asText(), org.path("website").asText(),
                        contact.path("first_name").asText() + " " + contact.path("last_name").asText(),
                        contact.path("email").asText(), contact.path("phone").asText(null),
                        manager.path("first_name").asText(null), manager.path("email").asText(null),
                        c.path("retailer").path("organization").path("name").asText(),
                        org.path("created_date").asText(null), org.path("active_date").asText(null),
                        c.path("deactivated_date").asText(null));
                rows++;
            }
        }
        return rows;
    }
}
