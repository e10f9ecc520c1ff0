package io.connectionrelay.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;

import org.junit.jupiter.api.Test;

/** The tests' PostgreSQL: a real server, and a database per caller that no other caller sees. */
class TestPostgresTest {

    @Test
    void everyCallerGetsAnEmptyDatabaseOfItsOwn() throws Exception {
        TestPostgres postgres = TestPostgres.get();
        String first = postgres.newDatabase();
        String second = postgres.newDatabase();
        assertThat(first).isNotEqualTo(second);
        try (Connection a = DriverManager.getConnection(first, TestPostgres.USER, "");
                Statement statement = a.createStatement()) {
            statement.execute("CREATE TABLE only_here (id INT)");
            try (ResultSet version = statement.executeQuery("SHOW server_version")) {
                version.next();
                assertThat(version.getString(1)).startsWith("16.");
            }
        }
        try (Connection b = DriverManager.getConnection(second, TestPostgres.USER, "");
                ResultSet tables = b.getMetaData().getTables(null, "public", "only_here", null)) {
            assertThat(tables.next()).isFalse();
        }
    }
}
