package io.connectionrelay.normalize;

import io.connectionrelay.core.RecordMappingException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.connectionrelay.core.CycleContext;
import io.connectionrelay.core.DeadLetter;
import io.connectionrelay.core.DeadLetters;
import io.connectionrelay.record.ConnectionRecord;
import org.apache.camel.Exchange;

/**
 * The normalize stage for one vendor: a chunk of vendor elements in, the chunk of canonical
 * records out. An element that cannot be mapped is dead-lettered alone, with the element as its
 * payload and this stage's endpoint as its replay; the rest of the chunk goes on.
 */
public class Normalizer {

    private final String step;
    private final String endpoint;
    private final VendorMapper mapper;
    private final DeadLetters deadLetters;
    private final ObjectMapper json = new ObjectMapper();

    /**
     * @param step     the normalize route's id, which a dead letter names
     * @param endpoint where that route consumes, which a replay sends the element to
     */
    public Normalizer(String step, String endpoint, VendorMapper mapper, DeadLetters deadLetters) {
        this.step = step;
        this.endpoint = endpoint;
        this.mapper = mapper;
        this.deadLetters = deadLetters;
    }

    public List<ConnectionRecord> normalize(Exchange exchange) throws Exception {
        String source = CycleContext.of(exchange).source();
        List<JsonNode> elements = elements(exchange.getMessage().getBody());
        List<ConnectionRecord> records = new ArrayList<>(elements.size());
        for (JsonNode element : elements) {
            try {
                records.add(mapper.toRecord(element, source));
            } catch (RuntimeException e) {
                deadLetters.write(DeadLetter.ofRecord(exchange, "normalize", step, e, element, endpoint));
            }
        }
        return records;
    }

    /** A chunk from the splitter, one element (Terminal), or an element's JSON (a replayed dead letter). */
    @SuppressWarnings("unchecked")
    private List<JsonNode> elements(Object body) throws IOException {
        if (body instanceof List<?> chunk) {
            return (List<JsonNode>) chunk;
        }
        if (body instanceof JsonNode element) {
            return List.of(element);
        }
        if (body instanceof String text) {
            return List.of(json.readTree(text));
        }
        if (body instanceof byte[] bytes) {
            return List.of(json.readTree(bytes));
        }
        throw new RecordMappingException("a vendor element was expected, got "
                + (body == null ? "nothing" : body.getClass().getName()));
    }
}
