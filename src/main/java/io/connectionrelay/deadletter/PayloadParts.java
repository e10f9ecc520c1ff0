package io.connectionrelay.deadletter;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

import javax.sql.DataSource;

/**
 * A dead letter's payload in relay_dead_letter_payload, as rows of at most {@link #PART_BYTES}
 * each, written and read one at a time. PostgreSQL's driver reads a bytea value whole into memory
 * (its getBinaryStream wraps a byte array), so one row per payload would hold a failed poll's
 * whole body, hundreds of MB, in the heap on every replay; parts keep it to one part.
 */
final class PayloadParts {

    /** 1 MiB: a 200 MB body is 200 rows, and memory holds one of them. */
    static final int PART_BYTES = 1 << 20;

    private PayloadParts() {
    }

    /** Writes the payload of entry {@code id} on the caller's connection, in its transaction. */
    static Writer writer(Connection connection, String id) throws SQLException {
        return new Writer(connection.prepareStatement(
                "INSERT INTO relay_dead_letter_payload (entry_id, part, bytes) VALUES (?, ?, ?)"), id);
    }

    /** Reads the payload of entry {@code id}, one part per query, on a connection of its own until closed. */
    static InputStream reader(DataSource database, String id) throws SQLException {
        Connection connection = database.getConnection();
        try {
            return new Reader(connection, connection.prepareStatement(
                    "SELECT bytes FROM relay_dead_letter_payload WHERE entry_id = ? AND part = ?"), id);
        } catch (SQLException e) {
            connection.close();
            throw e;
        }
    }

    static final class Writer extends OutputStream {

        private final PreparedStatement insert;
        private final String id;
        private final byte[] buffer = new byte[PART_BYTES];
        private int buffered;
        private int part;
        private long bytes;
        private boolean closed;

        private Writer(PreparedStatement insert, String id) {
            this.insert = insert;
            this.id = id;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] data, int offset, int length) throws IOException {
            int from = offset;
            int left = length;
            while (left > 0) {
                int n = Math.min(left, buffer.length - buffered);
                System.arraycopy(data, from, buffer, buffered, n);
                buffered += n;
                from += n;
                left -= n;
                if (buffered == buffer.length) {
                    writePart();
                }
            }
        }

        /** Writes the last part; the statement is done with. */
        @Override
        public void close() throws IOException {
            if (closed) {
                return;
            }
            closed = true;
            try {
                if (buffered > 0) {
                    writePart();
                }
            } finally {
                try {
                    insert.close();
                } catch (SQLException e) {
                    throw new IOException(e.getMessage(), e);
                }
            }
        }

        /** Bytes written so far. */
        long bytes() {
            return bytes;
        }

        private void writePart() throws IOException {
            try {
                insert.setString(1, id);
                insert.setInt(2, part);
                insert.setBinaryStream(3, new ByteArrayInputStream(buffer, 0, buffered), buffered);
                insert.executeUpdate();
            } catch (SQLException e) {
                throw new IOException("cannot write part " + part + " of the payload: " + e.getMessage(), e);
            }
            part++;
            bytes += buffered;
            buffered = 0;
        }
    }

    private static final class Reader extends InputStream {

        private final Connection connection;
        private final PreparedStatement select;
        private final String id;
        private byte[] current = new byte[0];
        private int position;
        private int nextPart;
        private boolean ended;

        private Reader(Connection connection, PreparedStatement select, String id) {
            this.connection = connection;
            this.select = select;
            this.id = id;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) == -1 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] target, int offset, int length) throws IOException {
            if (length == 0) {
                return 0;
            }
            while (position == current.length) {
                if (ended || !nextPart()) {
                    return -1;
                }
            }
            int n = Math.min(length, current.length - position);
            System.arraycopy(current, position, target, offset, n);
            position += n;
            return n;
        }

        private boolean nextPart() throws IOException {
            try {
                select.setString(1, id);
                select.setInt(2, nextPart);
                try (ResultSet row = select.executeQuery()) {
                    if (!row.next()) {
                        ended = true;
                        return false;
                    }
                    current = row.getBytes(1);
                    position = 0;
                    nextPart++;
                    return true;
                }
            } catch (SQLException e) {
                throw new IOException("cannot read part " + nextPart + " of the payload of " + id + ": "
                        + e.getMessage(), e);
            }
        }

        @Override
        public void close() throws IOException {
            try (connection; select) {
                current = new byte[0];
            } catch (SQLException e) {
                throw new IOException(e.getMessage(), e);
            }
        }
    }
}
