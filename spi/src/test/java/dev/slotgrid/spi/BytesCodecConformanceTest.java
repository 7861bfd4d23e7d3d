package dev.slotgrid.spi;

import java.util.List;
import java.util.Random;

/** The conformance suite run on the built-in byte[] codec (type id -2); equality by content. */
class BytesCodecConformanceTest extends CodecConformanceTest {

    @Override
    protected Codecs codecs() {
        return Codecs.builder().build();
    }

    @Override
    protected List<Object> samples() {
        byte[] random = new byte[300];
        new Random(7).nextBytes(random);
        byte[] large = new byte[70_000];
        new Random(8).nextBytes(large);
        return List.of(new byte[0], new byte[] {0}, new byte[] {-1, 0, 127, -128}, random, large);
    }
}
