package dev.slotgrid.spi;

import java.util.List;

/** The conformance suite run on the built-in Byte codec (type id -6). */
class ByteCodecConformanceTest extends CodecConformanceTest {

    @Override
    protected Codecs codecs() {
        return Codecs.builder().build();
    }

    @Override
    protected List<Object> samples() {
        return List.of((byte) 0, (byte) 1, (byte) -1, Byte.MIN_VALUE, Byte.MAX_VALUE);
    }
}
