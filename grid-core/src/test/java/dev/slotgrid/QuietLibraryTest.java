package dev.slotgrid;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class QuietLibraryTest {

    @Test
    void theLibrary_neverWritesToStandardOutputOrError() {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream capture = new PrintStream(captured, true, StandardCharsets.UTF_8);
        try {
            System.setOut(capture);
            System.setErr(capture);
            try (SlotGrid grid = SlotGrid.builder().nodes(3).build()) {
                GridMap<String, String> map = grid.map("quiet");
                for (int i = 0; i < 1000; i++) {
                    map.put("k" + i, "v");
                }
                grid.removeNode("node-2").join(); // migrates 1000 keys' slots, quietly
                grid.stats();
            }
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        assertThat(captured.toString(StandardCharsets.UTF_8)).isEmpty();
    }
}
