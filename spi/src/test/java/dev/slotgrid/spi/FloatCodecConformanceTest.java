package dev.slotgrid.spi;

import java.util.List;

/** The conformance suite run on the built-in Float codec (type id -9). */
class FloatCodecConformanceTest extends CodecConformanceTest {

    @Override
    protected Codecs codecs() {
        return Codecs.builder().build();
    }

    @Override
    protected List<Object> samples() {
        return List.of(0.0f, -0.0f, 1.5f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
                Float.MIN_VALUE, Float.MAX_VALUE);
    }
}
