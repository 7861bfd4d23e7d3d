package dev.slotgrid.spi;

import java.util.Arrays;
import java.util.List;

/** The conformance suite run on {@code null}, which has its own tag (0) and no payload. */
class NullValueConformanceTest extends CodecConformanceTest {

    @Override
    protected Codecs codecs() {
        return Codecs.builder().build();
    }

    @Override
    protected List<Object> samples() {
        return Arrays.asList(null, "between nulls", null);
    }
}
