package dev.pontoon.s3dest.source;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.pontoon.s3dest.event.ColumnSpec;
import dev.pontoon.s3dest.parquet.Row;
import java.util.List;

/** The event's inline {@code rows}, numbered from 1 in the order received. */
public final class InlineRowSource implements RowSource {
    private final ArrayNode rows;
    private final JsonRowDecoder decoder;
    private final UnmatchedFields unmatched = new UnmatchedFields();
    private final UnmatchedFields.Tally tally = unmatched.tally();
    private int next;
    private final java.util.function.Supplier<String> position = () -> "rows[" + next + "] (row " + (next + 1) + ")";

    public InlineRowSource(ArrayNode rows, List<ColumnSpec> modelColumns, ObjectMapper mapper) {
        this.rows = rows;
        this.decoder = new JsonRowDecoder(modelColumns, mapper).countingUnmatched(tally);
    }

    @Override
    public boolean next(Row row) {
        if (next >= rows.size()) {
            tally.flush();
            return false;
        }
        decoder.decode(rows.get(next), row, position);
        next++;
        return true;
    }

    @Override
    public UnmatchedFields unmatchedFields() {
        return unmatched;
    }
}
