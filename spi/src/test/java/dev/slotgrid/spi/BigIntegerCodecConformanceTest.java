package dev.slotgrid.spi;

import java.math.BigInteger;
import java.util.List;

/** The conformance suite run on the built-in BigInteger codec (type id -11). */
class BigIntegerCodecConformanceTest extends CodecConformanceTest {

    @Override
    protected Codecs codecs() {
        return Codecs.builder().build();
    }

    @Override
    protected List<Object> samples() {
        return List.of(BigInteger.ZERO, BigInteger.ONE, BigInteger.ONE.negate(), BigInteger.valueOf(127),
                BigInteger.valueOf(128), BigInteger.valueOf(-128), BigInteger.valueOf(-129), BigInteger.valueOf(255),
                BigInteger.TWO.pow(64), BigInteger.TWO.pow(200).negate(), BigInteger.TEN.pow(5000));
    }
}
