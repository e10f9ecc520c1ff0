package io.connectionrelay.normalize;

import io.connectionrelay.core.MalformedPayloadException;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;
import io.connectionrelay.core.CycleContext;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.StreamCache;
import org.apache.camel.converter.stream.ByteArrayInputStreamCache;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The splitter takes the body in any form a Camel producer may leave it (the end-to-end sizes and
 * framings from camel-http are UpstreamBodyTest's), and leaves it re-readable for a dead letter.
 */
class JsonArrayElementsTest {

    static final String ARRAY = "[{\"uuid\":\"a\"},{\"uuid\":\"b\"},{\"uuid\":\"c\"}]";
    static CamelContext context;

    @BeforeAll
    static void start() {
        context = new DefaultCamelContext();
        context.start();
    }

    @AfterAll
    static void stop() {
        context.stop();
    }

    static Exchange exchange(Object body) {
        Exchange exchange = new DefaultExchange(context);
        exchange.getMessage().setBody(body);
        CycleContext.begin(exchange, "crux-a", "crux");
        return exchange;
    }

    /** In chunks of two, so a chunk boundary falls inside the three-element array. */
    static List<String> split(Exchange exchange) throws Exception {
        List<String> uuids = new ArrayList<>();
        Iterator<List<JsonNode>> chunks = new JsonArrayElements(2).iterate(exchange);
        chunks.forEachRemaining(chunk -> chunk.forEach(e -> uuids.add(e.path("uuid").asText())));
        return uuids;
    }

    @Test
    void everyBodyFormIsSplitAndStaysReadable() throws Exception {
        byte[] bytes = ARRAY.getBytes(StandardCharsets.UTF_8);
        List<Function<byte[], Object>> forms = List.of(
                b -> b,
                b -> new String(b, StandardCharsets.UTF_8),
                ByteArrayInputStream::new,
                b -> new InputStream() { // a plain stream that can be read only once
                    private final InputStream in = new ByteArrayInputStream(b);

                    @Override
                    public int read() throws java.io.IOException {
                        return in.read();
                    }
                },
                b -> new ByteArrayInputStreamCache(new ByteArrayInputStream(b)));
        for (Function<byte[], Object> form : forms) {
            Exchange exchange = exchange(form.apply(bytes));

            assertThat(split(exchange)).containsExactly("a", "b", "c");

            assertThat(CycleContext.of(exchange).elements()).isEqualTo(3);
            StreamCache body = exchange.getMessage().getBody(StreamCache.class);
            body.reset();
            assertThat(exchange.getMessage().getBody(String.class)).as("what a dead letter would store").isEqualTo(ARRAY);
        }
    }

    @Test
    void anEmptyArrayIsNoElements() throws Exception {
        assertThat(split(exchange("[]".getBytes(StandardCharsets.UTF_8)))).isEmpty();
    }

    @Test
    void noBodyOrAnEmptyOneIsMalformed() {
        assertThatThrownBy(() -> split(exchange(null))).isInstanceOf(MalformedPayloadException.class)
                .hasMessageContaining("no body");
        assertThatThrownBy(() -> split(exchange(new byte[0]))).isInstanceOf(MalformedPayloadException.class)
                .hasMessageContaining("empty");
        assertThatThrownBy(() -> split(exchange(" \n"))).isInstanceOf(MalformedPayloadException.class)
                .hasMessageContaining("empty");
    }

    @Test
    void anElementOverOneMebibyteIsMalformedWhereverItIs() throws Exception {
        String big = "\"" + "x".repeat((int) JsonArrayElements.MAX_ELEMENT_BYTES) + "\"";
        for (String payload : List.of("[" + big + "]", "[{\"uuid\":\"a\"}," + big + "]",
                "[{\"uuid\":\"a\",\"note\":" + big + "},{\"uuid\":\"b\"}]")) {
            assertThatThrownBy(() -> split(exchange(payload))).isInstanceOf(MalformedPayloadException.class)
                    .hasMessageContaining("more than the 1048576");
        }
        String justUnder = "[{\"n\":\"" + "x".repeat((int) JsonArrayElements.MAX_ELEMENT_BYTES - 20) + "\"}]";
        assertThat(new JsonArrayElements(500).iterate(exchange(justUnder)).hasNext()).isTrue();
    }
}
