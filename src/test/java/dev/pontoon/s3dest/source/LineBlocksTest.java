package dev.pontoon.s3dest.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LineBlocksTest {
    @Test
    void blocksAreWholeLinesThatTogetherAreTheStreamAndLaterOnesHoldAboutTheAskedLines() throws IOException {
        Random random = new Random(7);
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 20_000; i++) {
            text.append("{\"id\": ").append(i).append(", \"s\": \"").append("x".repeat(random.nextInt(80)));
            text.append("\"}").append(i % 5 == 0 ? "\r\n" : "\n");
        }
        text.append("{\"last\": true}"); // no newline at the end
        byte[] input = text.toString().getBytes(StandardCharsets.UTF_8);

        LineBlocks blocks = new LineBlocks(trickle(input), 64 * 1024, 500, 1_000_000);
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        List<Integer> lines = new ArrayList<>();
        for (LineBlocks.Block b; (b = blocks.next()) != null; ) {
            joined.write(b.bytes(), 0, b.length());
            int n = 0;
            for (int i = 0; i < b.length(); i++) {
                n += b.bytes()[i] == '\n' ? 1 : 0;
            }
            lines.add(n);
            if (joined.size() < input.length) {
                assertThat(b.bytes()[b.length() - 1]).as("a block ends a line").isEqualTo((byte) '\n');
            }
            blocks.release(b.bytes());
        }
        assertThat(joined.toByteArray()).isEqualTo(input);
        assertThat(lines.get(0))
                .as("the first block is 64 KiB of ~63-byte lines")
                .isBetween(900, 1100);
        // later blocks: 500 lines of the first block's width, give or take the width's spread
        assertThat(lines.subList(1, lines.size() - 1))
                .allSatisfy(n -> assertThat(n).isBetween(400, 600));
    }

    @Test
    void aLineLongerThanABlockIsOneBlockAndTheLastLineNeedsNoNewline() throws IOException {
        String longLine = "y".repeat(300_000);
        assertThat(blocks("a\n" + longLine + "\nb\nc", 16 * 1024, 1_000_000))
                .containsExactly("a\n", longLine + "\nb\nc");
        assertThat(blocks("", 16 * 1024, 100)).isEmpty();
        assertThat(blocks("\n\n", 16 * 1024, 100)).containsExactly("\n\n");
    }

    @Test
    void aLineOverTheLimitFailsAfterTheLinesBeforeItWereHandedOut() throws IOException {
        LineBlocks blocks = new LineBlocks(
                trickle(("ok\n" + "z".repeat(50_000) + "\nnext\n").getBytes(StandardCharsets.UTF_8)),
                16 * 1024,
                100,
                20_000);
        LineBlocks.Block first = blocks.next();
        assertThat(new String(first.bytes(), 0, first.length(), StandardCharsets.UTF_8))
                .isEqualTo("ok\n");
        assertThatThrownBy(blocks::next)
                .isInstanceOf(LineReader.LineTooLongException.class)
                .hasMessage("longer than 20000 bytes");
    }

    @Test
    void aReleasedBufferIsReused() throws IOException {
        byte[] input = "line\n".repeat(100_000).getBytes(StandardCharsets.UTF_8);
        LineBlocks blocks = new LineBlocks(new ByteArrayInputStream(input), 16 * 1024, 10_000, 100);
        blocks.release(blocks.next().bytes()); // the first block's size differs: not kept
        LineBlocks.Block second = blocks.next();
        blocks.release(second.bytes());
        assertThat(blocks.next().bytes()).isSameAs(second.bytes());
    }

    private static List<String> blocks(String text, int first, int max) throws IOException {
        LineBlocks blocks = new LineBlocks(trickle(text.getBytes(StandardCharsets.UTF_8)), first, 100, max);
        List<String> out = new ArrayList<>();
        for (LineBlocks.Block b; (b = blocks.next()) != null; ) {
            out.add(new String(b.bytes(), 0, b.length(), StandardCharsets.UTF_8));
        }
        return out;
    }

    /** At most 1000 bytes per read, so blocks and lines cross reads. */
    private static InputStream trickle(byte[] bytes) {
        return new FilterInputStream(new ByteArrayInputStream(bytes)) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return super.read(b, off, Math.min(len, 1000));
            }
        };
    }
}
