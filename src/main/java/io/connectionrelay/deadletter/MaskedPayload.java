package io.connectionrelay.deadletter;

import java.io.BufferedWriter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;

import io.connectionrelay.core.SecretMasker;
import io.connectionrelay.record.RecordJson;
import org.apache.camel.StreamCache;

/**
 * A dead letter's payload as every store keeps it: its text, secrets masked, streamed from the
 * message to the store, since a failed poll's body can be any size.
 */
final class MaskedPayload {

    private MaskedPayload() {
    }

    /**
     * Copies the payload, masked, to {@code target} (left open), and returns the SHA-256 of what
     * it wrote: the payload's part of its failure's {@link FailureFingerprint}, taken on the way
     * since a body may be read only once. A stream-cached body is rewound before and after: the
     * failed route may still read it.
     */
    static byte[] copy(Object payload, OutputStream target, SecretMasker masker) throws IOException {
        if (payload instanceof StreamCache cache) {
            cache.reset();
        }
        InputStream in = open(payload);
        try {
            MessageDigest sha256 = FailureFingerprint.sha256();
            Writer out = new BufferedWriter(new OutputStreamWriter(new DigestOutputStream(target, sha256),
                    StandardCharsets.UTF_8));
            masker.copyMasked(new InputStreamReader(in, StandardCharsets.UTF_8), out);
            out.flush();
            return sha256.digest();
        } finally {
            if (payload instanceof StreamCache cache) {
                cache.reset();
            } else {
                in.close();
            }
        }
    }

    private static InputStream open(Object payload) throws IOException {
        if (payload == null) {
            return InputStream.nullInputStream();
        }
        // a spooled body (a large poll) is read where it is, never copied into memory
        if (payload instanceof InputStream stream) {
            return stream;
        }
        if (payload instanceof StreamCache cache) {
            // the few stream caches that are not streams (a reader's, an XML source's) hold text in memory already
            ByteArrayOutputStream copy = new ByteArrayOutputStream();
            cache.writeTo(copy);
            return new ByteArrayInputStream(copy.toByteArray());
        }
        if (payload instanceof byte[] bytes) {
            return new ByteArrayInputStream(bytes);
        }
        if (payload instanceof File file) {
            return Files.newInputStream(file.toPath());
        }
        if (payload instanceof Path path) {
            return Files.newInputStream(path);
        }
        if (payload instanceof String text) {
            return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
        }
        // records, chunks of records and vendor elements: their one JSON form
        return new ByteArrayInputStream(RecordJson.mapper().writeValueAsBytes(payload));
    }
}
