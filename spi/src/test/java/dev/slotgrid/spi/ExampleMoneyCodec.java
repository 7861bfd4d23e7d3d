package dev.slotgrid.spi;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * A user codec as a plugin author writes one: a positive type id, a self-delimiting payload
 * (a fixed eight bytes, then a length-prefixed string read through {@link Codecs#readBytes}, which
 * validates the length), and validation by the value's own constructor. Registered for
 * {@link java.util.ServiceLoader} in this module's test resources
 * ({@code META-INF/services/dev.slotgrid.spi.Codec}).
 */
public final class ExampleMoneyCodec implements Codec<ExampleMoneyCodec.Money> {

    /** The type id of this codec: positive, as every user codec's. */
    public static final int TYPE_ID = 4242;

    /** An amount in minor units and an ISO 4217 currency code. */
    public record Money(long units, String currency) {
        public Money {
            if (currency == null || !currency.matches("[A-Z]{3}")) {
                throw new IllegalArgumentException("currency must be three capital letters: " + currency);
            }
        }
    }

    @Override
    public String name() {
        return "example-money";
    }

    @Override
    public int typeId() {
        return TYPE_ID;
    }

    @Override
    public Class<Money> type() {
        return Money.class;
    }

    @Override
    public void write(Money value, DataOutput out) throws IOException {
        out.writeLong(value.units());
        byte[] currency = value.currency().getBytes(StandardCharsets.US_ASCII);
        Codecs.writeLength(out, currency.length);
        out.write(currency);
    }

    @Override
    public Money read(DataInput in) throws IOException {
        long units = in.readLong();
        return new Money(units, new String(Codecs.readBytes(in, "Money currency"), StandardCharsets.US_ASCII));
    }
}
