package io.connectionrelay.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A Crux connections payload of exactly the size asked for: copies of the first fixture connection
 * (ACTIVE), each with its own uuid and, if asked, a filler field the mapper ignores, as many as fit,
 * then spaces before the closing bracket. Written as a stream, so it can be any size.
 */
public final class SizedCruxPayload {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final byte[] before;
    private final byte[] after;
    private final int recordBytes;

    /** Records of about 1.8 KB, plus {@code fillerChars} ASCII characters each. */
    public SizedCruxPayload(int fillerChars) {
        try {
            ObjectNode template = (ObjectNode) JSON.readTree(Fixtures.text("crux-connections.json")).get(0);
            String marker = "00000000-0000-0000-0000-000000000000";
            template.put("uuid", marker);
            if (fillerChars > 0) {
                template.put("filler", "x".repeat(fillerChars));
            }
            String json = JSON.writeValueAsString(template);
            int at = json.indexOf(marker);
            before = json.substring(0, at).getBytes(StandardCharsets.UTF_8);
            after = json.substring(at + marker.length()).getBytes(StandardCharsets.UTF_8);
            recordBytes = before.length + marker.length() + after.length;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The uuid of the i-th record. */
    public static String id(int i) {
        return new UUID(0x5eed, i).toString();
    }

    /** How many records a payload of {@code size} bytes holds. */
    public int records(long size) {
        if (size < 2) {
            return 0;
        }
        // "[" + n records + (n - 1) commas + "]" <= size
        return (int) Math.max(0, (size - 1) / (recordBytes + 1));
    }

    /** Writes exactly {@code size} bytes: a complete JSON array when size >= 2, else the first size bytes of "[]". */
    public List<String> write(OutputStream out, long size) throws IOException {
        List<String> ids = new ArrayList<>();
        if (size < 2) {
            out.write("[]".substring(0, (int) size).getBytes(StandardCharsets.US_ASCII));
            return ids;
        }
        int records = records(size);
        long written = 1;
        out.write('[');
        for (int i = 0; i < records; i++) {
            if (i > 0) {
                out.write(',');
                written++;
            }
            String id = id(i);
            out.write(before);
            out.write(id.getBytes(StandardCharsets.US_ASCII));
            out.write(after);
            written += recordBytes;
            ids.add(id);
        }
        for (; written < size - 1; written++) {
            out.write(' ');
        }
        out.write(']');
        return ids;
    }

    /**
     * One record whose first field is a string of {@code fillerChars} characters, written as it
     * goes, so the test never holds it.
     */
    public void writeRecordWithField(OutputStream out, int i, long fillerChars) throws IOException {
        out.write("{\"filler\":\"".getBytes(StandardCharsets.US_ASCII));
        byte[] chunk = "x".repeat(64 * 1024).getBytes(StandardCharsets.US_ASCII);
        for (long left = fillerChars; left > 0; left -= chunk.length) {
            out.write(chunk, 0, (int) Math.min(chunk.length, left));
        }
        out.write("\",".getBytes(StandardCharsets.US_ASCII));
        out.write(before, 1, before.length - 1);
        out.write(id(i).getBytes(StandardCharsets.US_ASCII));
        out.write(after);
    }

    public byte[] bytes(long size) {
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) size);
        try {
            write(out, size);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
