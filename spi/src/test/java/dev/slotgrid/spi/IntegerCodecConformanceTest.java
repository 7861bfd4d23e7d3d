package dev.slotgrid.spi;

import java.util.List;

/** The conformance suite run on the built-in Integer codec (type id -3). */
class IntegerCodecConformanceTest extends CodecConformanceTest {

    @Override
    protected Codecs codecs() {
        return Codecs.builder().build();
    }

    @Override
    protected List<Object> samples() {
        return List.of(0, 1, -1, 42, 255, 256, Integer.MIN_VALUE, Integer.MAX_VALUE);
    }
}
