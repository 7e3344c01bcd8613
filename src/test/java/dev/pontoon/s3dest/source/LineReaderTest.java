package dev.pontoon.s3dest.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LineReaderTest {
    @Test
    void linesAreFoundInPlaceAndTheLastNeedsNoNewline() throws IOException {
        String longLine = "x".repeat(700_000);
        String text = "a\r\n\nbb\n" + longLine + "\nlast";
        assertThat(lines(text, 1_000_000)).containsExactly("a\r", "", "bb", longLine, "last");
        assertThat(lines("", 10)).isEmpty();
        assertThat(lines("one\n", 10)).containsExactly("one");
    }

    @Test
    void aLineOverTheLimitFailsWithItsNumber() {
        LineReader reader = reader("ok\n" + "y".repeat(600_000) + "\nnext\n", 500_000);
        assertThatThrownBy(() -> {
                    while (reader.next()) {
                        // read on
                    }
                })
                .isInstanceOf(LineReader.LineTooLongException.class)
                .hasMessage("longer than 500000 bytes");
        assertThat(reader.number()).isEqualTo(2);
    }

    private static List<String> lines(String text, int max) throws IOException {
        LineReader reader = reader(text, max);
        List<String> out = new ArrayList<>();
        while (reader.next()) {
            out.add(new String(reader.buffer(), reader.start(), reader.end() - reader.start(), StandardCharsets.UTF_8));
            assertThat(reader.number()).isEqualTo(out.size());
        }
        return out;
    }

    private static LineReader reader(String text, int max) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        return new LineReader(bytes, bytes.length, max);
    }
}
