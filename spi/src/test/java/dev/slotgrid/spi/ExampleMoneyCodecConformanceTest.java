package dev.slotgrid.spi;

import java.util.List;

/** The conformance suite run on a user codec, exactly as a plugin author runs it (see {@link CodecConformanceTest}). */
class ExampleMoneyCodecConformanceTest extends CodecConformanceTest {

    @Override
    protected Codecs codecs() {
        return Codecs.builder().add(new ExampleMoneyCodec()).build();
    }

    @Override
    protected List<Object> samples() {
        return List.of(new ExampleMoneyCodec.Money(0, "EUR"), new ExampleMoneyCodec.Money(Long.MIN_VALUE, "JPY"),
                new ExampleMoneyCodec.Money(12_345, "USD"));
    }
}
