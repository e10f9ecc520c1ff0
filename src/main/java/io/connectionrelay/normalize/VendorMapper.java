package io.connectionrelay.normalize;

import com.fasterxml.jackson.databind.JsonNode;
import io.connectionrelay.record.ConnectionRecord;

/** One vendor's element to the canonical record; a new vendor brings one. */
public interface VendorMapper {

    /** @throws RecordMappingException when the element cannot become a record; its siblings are unaffected */
    ConnectionRecord toRecord(JsonNode element, String sourceId);
}
