package dev.slotgrid.spi;

import java.util.List;

/** The conformance suite run on the built-in Double codec (type id -8). */
class DoubleCodecConformanceTest extends CodecConformanceTest {

    @Override
    protected Codecs codecs() {
        return Codecs.builder().build();
    }

    @Override
    protected List<Object> samples() {
        return List.of(0.0, -0.0, 1.5, -2.25e300, Double.NaN, Double.POSITIVE_INFINITY,
                Double.NEGATIVE_INFINITY, Double.MIN_VALUE, Double.MAX_VALUE);
    }
}
