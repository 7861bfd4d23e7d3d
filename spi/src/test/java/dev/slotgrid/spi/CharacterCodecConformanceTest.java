package dev.slotgrid.spi;

import java.util.List;

/** The conformance suite run on the built-in Character codec (type id -10). */
class CharacterCodecConformanceTest extends CodecConformanceTest {

    @Override
    protected Codecs codecs() {
        return Codecs.builder().build();
    }

    @Override
    protected List<Object> samples() {
        return List.of('a', '\0', '\u00e9', '\u20ac', '\uD800', '\uFFFF');
    }
}
