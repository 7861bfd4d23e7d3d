package dev.slotgrid.spi;

import java.util.List;

/** The conformance suite run on the built-in Short codec (type id -5). */
class ShortCodecConformanceTest extends CodecConformanceTest {

    @Override
    protected Codecs codecs() {
        return Codecs.builder().build();
    }

    @Override
    protected List<Object> samples() {
        return List.of((short) 0, (short) 1, (short) -1, Short.MIN_VALUE, Short.MAX_VALUE);
    }
}
