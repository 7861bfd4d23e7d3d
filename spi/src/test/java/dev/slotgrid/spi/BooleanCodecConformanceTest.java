package dev.slotgrid.spi;

import java.util.List;

/** The conformance suite run on the built-in Boolean codec (type id -7). */
class BooleanCodecConformanceTest extends CodecConformanceTest {

    @Override
    protected Codecs codecs() {
        return Codecs.builder().build();
    }

    @Override
    protected List<Object> samples() {
        return List.of(true, false);
    }
}
