package io.connectionrelay.deliver.email;

import java.util.UUID;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Builds a Crux GET /timp/organizations/connections/ payload shaped like the vendor's example,
 * with exactly the partners, statuses and account managers a test needs.
 */
final class CruxConnections {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ArrayNode connections = JSON.createArrayNode();
    private int next;

    /** A connection in Crux status CONFIRMATION WAITING (canonical PENDING), created 12 days before the tests' NOW. */
    CruxConnections pending(String partner, String managerName, String managerEmail) {
        return add(uuid(), partner, "CONFIRMATION WAITING", managerName, managerEmail);
    }

    CruxConnections active(String partner, String managerName, String managerEmail) {
        return add(uuid(), partner, "ACTIVE", managerName, managerEmail);
    }

    CruxConnections add(String id, String partner, String status, String managerName, String managerEmail) {
        ObjectNode connection = connections.addObject();
        connection.put("uuid", id);
        side(connection.putObject("retailer"), "projectthanos", "RETAILER", "Owner", "owner@projectthanos.com");
        side(connection.putObject("supplier"), partner, "SUPPLIER", "Pat Contact " + next,
                "contact" + next + "@partner.example");
        connection.put("status", status);
        if (managerEmail == null) {
            connection.putNull("account_manager");
        } else {
            ObjectNode person = connection.putObject("account_manager").putObject("person");
            person.put("uuid", uuid());
            person.put("first_name", managerName);
            person.put("last_name", "");
            person.put("email", managerEmail);
        }
        connection.putNull("deactivated_date");
        next++;
        return this;
    }

    String json() {
        return connections.toString();
    }

    private static void side(ObjectNode side, String name, String type, String contactName, String contactEmail) {
        side.put("uuid", uuid());
        ObjectNode org = side.putObject("organization");
        org.put("uuid", uuid());
        org.put("name", name);
        org.put("website", "www." + name.replaceAll("[^A-Za-z0-9]", "").toLowerCase(java.util.Locale.ROOT) + ".example");
        org.put("org_type", type);
        org.put("status", "ACTIVE");
        org.put("created_date", "2026-11-11T12:00:00Z");
        org.putNull("active_date");
        ObjectNode contact = side.putObject("contact");
        contact.put("uuid", uuid());
        contact.put("first_name", contactName);
        contact.put("last_name", "");
        contact.put("email", contactEmail);
        contact.put("phone", "+1-555-0100");
    }

    static String uuid() {
        return UUID.randomUUID().toString();
    }
}
