package dev.slotgrid.spi;

import java.util.UUID;
import java.util.List;

/** The conformance suite run on the built-in UUID codec (type id -12). */
class UuidCodecConformanceTest extends CodecConformanceTest {

    @Override
    protected Codecs codecs() {
        return Codecs.builder().build();
    }

    @Override
    protected List<Object> samples() {
        return List.of(new UUID(0, 0), new UUID(-1, -1), UUID.fromString("123e4567-e89b-12d3-a456-426614174000"),
                UUID.nameUUIDFromBytes(new byte[] {1, 2, 3}), new UUID(Long.MIN_VALUE, Long.MAX_VALUE));
    }
}
