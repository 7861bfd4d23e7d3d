package dev.slotgrid.spi;

import java.io.Serializable;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Objects;

/**
 * The conformance suite run on the Java serialization fallback (type id -14), with the test's
 * classes and two collections allowlisted.
 */
class SerializableCodecConformanceTest extends CodecConformanceTest {

    public record Point(int x, int y) implements Serializable {
    }

    public enum Color {
        RED,
        GREEN {
            @Override
            public String toString() {
                return "green, with a body";
            }
        }
    }

    public static final class Money implements Serializable {
        private static final long serialVersionUID = 1L;
        private final BigDecimal amount;
        private final String currency;
        private final int[] history;

        public Money(BigDecimal amount, String currency, int[] history) {
            this.amount = amount;
            this.currency = currency;
            this.history = history;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Money m && amount.equals(m.amount) && Objects.equals(currency, m.currency)
                    && java.util.Arrays.equals(history, m.history);
        }

        @Override
        public int hashCode() {
            return amount.hashCode();
        }

        @Override
        public String toString() {
            return amount + " " + currency;
        }
    }

    @Override
    protected Codecs codecs() {
        return Codecs.builder().allowSerializable(getClass().getName() + "$*")
                .allowSerializable("java.util.ArrayList;java.util.HashMap").build();
    }

    @Override
    protected List<Object> samples() {
        ArrayList<Object> list = new ArrayList<>(List.of("a", 1, 2L, new Point(1, 2)));
        HashMap<String, Object> map = new HashMap<>();
        map.put("k", new Point(-1, 0));
        map.put("m", new ArrayList<>());
        return List.of(new Point(3, 4), Color.RED, Color.GREEN, new Money(new BigDecimal("12.34"), "EUR", new int[] {1, 2}),
                new Money(BigDecimal.ZERO, null, new int[0]), new BigDecimal("-1E+400"), list, map, new int[] {7, 8, 9});
    }
}
