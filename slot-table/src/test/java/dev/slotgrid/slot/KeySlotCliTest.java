package dev.slotgrid.slot;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class KeySlotCliTest {

    private static String run(String[] args, byte[] stdin) throws Exception {
        PrintStream savedOut = System.out;
        java.io.InputStream savedIn = System.in;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setIn(new ByteArrayInputStream(stdin));
            KeySlot.main(args);
        } finally {
            System.setOut(savedOut);
            System.setIn(savedIn);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void arguments_printOneSlotEach() throws Exception {
        assertThat(run(new String[] {"foo", "hello", "{user1000}.following"}, new byte[0]))
                .isEqualTo("12182\n866\n" + KeySlot.of("user1000") + "\n");
    }

    @Test
    void standardInput_printsOneSlotPerLineInOrder_includingEmptyAndLastUnterminatedLines() throws Exception {
        String input = "foo\n\nclé\n12345\nhello";
        String expected = "12182\n0\n" + KeySlot.of("clé") + "\n" + KeySlot.of("12345") + "\n866\n";
        assertThat(run(new String[0], input.getBytes(StandardCharsets.UTF_8))).isEqualTo(expected);
    }

    @Test
    void standardInput_keepsCarriageReturnAsPartOfTheKey() throws Exception {
        assertThat(run(new String[0], "foo\r\n".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(KeySlot.of("foo\r") + "\n");
    }
}
