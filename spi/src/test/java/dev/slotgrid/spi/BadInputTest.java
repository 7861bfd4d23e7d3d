package dev.slotgrid.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/**
 * Issue 11, "every bad input named": each public method of the SPI rejects a bad argument with an
 * exception whose message names it (a bare {@code NullPointerException} with message {@code null}
 * fails these tests).
 */
class BadInputTest {

    private static void rejects(ThrowingCallable call, Class<? extends Throwable> type, String message) {
        assertThatThrownBy(call).isInstanceOf(type).hasMessageContaining(message);
    }

    /** Answers slot 7 for every key, {@code null} included: only the grid's check can refuse it. */
    private static final Partitioner SEVEN = new Partitioner() {
        @Override
        public String name() {
            return "seven";
        }

        @Override
        public int slotOf(Object key) {
            return 7;
        }
    };

    @Test
    void pluginsLoad_nullContractOrName_isNamed() {
        rejects(() -> Plugins.load(null, "hello"), NullPointerException.class, "contract must not be null");
        rejects(() -> Plugins.load(PluginsTest.Greeter.class, null), NullPointerException.class,
                "Greeter name must not be null");
        rejects(() -> Plugins.load(PluginsTest.Greeter.class, ""), IllegalArgumentException.class,
                "no Greeter plugin named ''");
    }

    @Test
    void pluginsNames_nullContract_isNamed() {
        rejects(() -> Plugins.names(null), NullPointerException.class, "contract must not be null");
    }

    @Test
    void checkedSlotOf_nullPartitionerOrKey_isNamed() {
        rejects(() -> Partitioner.checkedSlotOf(null, "k"), NullPointerException.class, "partitioner must not be null");
        rejects(() -> Partitioner.checkedSlotOf(SEVEN, null), NullPointerException.class, "key must not be null");
        assertThat(Partitioner.checkedSlotOf(SEVEN, "k")).isEqualTo(7);
    }

    @Test
    void indexExtractorOf_nullOrBlankName_orNullFunction_isNamed() {
        rejects(() -> IndexExtractor.of(null, v -> v), NullPointerException.class, "extractor name must not be null");
        rejects(() -> IndexExtractor.of(" ", v -> v), IllegalArgumentException.class, "extractor name must not be blank");
        rejects(() -> IndexExtractor.of("e", null), NullPointerException.class, "extractor function must not be null");
        assertThat(IndexExtractor.of("e", v -> null).extract("x")).as("null: no index value").isEmpty();
    }

    @Test
    void indexExtractorOfMany_nullOrBlankName_orNullFunction_isNamed() {
        rejects(() -> IndexExtractor.ofMany(null, v -> List.of()), NullPointerException.class,
                "extractor name must not be null");
        rejects(() -> IndexExtractor.ofMany("", v -> List.of()), IllegalArgumentException.class,
                "extractor name must not be blank");
        rejects(() -> IndexExtractor.ofMany("e", null), NullPointerException.class, "extractor function must not be null");
        assertThat(IndexExtractor.ofMany("e", v -> null).extract("x")).as("null: no index values").isEmpty();
    }
}
