package dev.slotgrid.spi;

import java.util.List;

/** The conformance suite run on the built-in Long codec (type id -4). */
class LongCodecConformanceTest extends CodecConformanceTest {

    @Override
    protected Codecs codecs() {
        return Codecs.builder().build();
    }

    @Override
    protected List<Object> samples() {
        return List.of(0L, 1L, -1L, 1L << 40, Long.MIN_VALUE, Long.MAX_VALUE);
    }
}
