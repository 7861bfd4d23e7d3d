package dev.slotgrid.spi;

import java.util.List;

/** The conformance suite run on the built-in String codec (type id -1), past writeUTF's 64 KiB limit. */
class StringCodecConformanceTest extends CodecConformanceTest {

    @Override
    protected Codecs codecs() {
        return Codecs.builder().build();
    }

    @Override
    protected List<Object> samples() {
        return List.of("", "a", "user:{42}:cart", "\0", "caf\u00e9", "\u65e5\u672c\u8a9e", "\uD83D\uDE00 emoji",
                "x".repeat(127), "y".repeat(128), "\u20ac".repeat(30_000), "z".repeat(70_000));
    }
}
