package dev.slotgrid.spi;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The conformance suite is not vacuous: run directly on deliberately broken codecs, its checks
 * fail with an {@link AssertionError} that says what is wrong, while the same checks pass on a
 * correct codec of the same type.
 */
class BrokenCodecTest {

    /** The value type of the broken codecs: not Serializable, so only they can encode it. */
    record Label(String text) {
    }

    private static final List<Object> LABELS = List.of(new Label("a"), new Label("hello"), new Label("caf\u00e9"),
            new Label("x".repeat(300)));

    private abstract static class LabelCodec implements Codec<Label> {
        @Override
        public String name() {
            return getClass().getSimpleName();
        }

        @Override
        public int typeId() {
            return 77;
        }

        @Override
        public Class<Label> type() {
            return Label.class;
        }
    }

    /** Correct: a length, then the bytes. */
    static final class GoodLabelCodec extends LabelCodec {
        @Override
        public void write(Label value, DataOutput out) throws IOException {
            byte[] bytes = value.text().getBytes(StandardCharsets.UTF_8);
            Codecs.writeLength(out, bytes.length);
            out.write(bytes);
        }

        @Override
        public Label read(DataInput in) throws IOException {
            return new Label(new String(Codecs.readBytes(in, "Label"), StandardCharsets.UTF_8));
        }
    }

    /** Broken: writes no length and reads to the end of the input, so it is not self-delimiting. */
    static final class UnterminatedLabelCodec extends LabelCodec {
        @Override
        public void write(Label value, DataOutput out) throws IOException {
            out.write(value.text().getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public Label read(DataInput in) throws IOException {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            while (true) {
                try {
                    bytes.write(in.readByte());
                } catch (EOFException end) {
                    return new Label(bytes.toString(StandardCharsets.UTF_8));
                }
            }
        }
    }

    /** Broken: claims one byte more than it writes (it drops the last byte). */
    static final class DropsLastByteCodec extends LabelCodec {
        @Override
        public void write(Label value, DataOutput out) throws IOException {
            byte[] bytes = value.text().getBytes(StandardCharsets.UTF_8);
            Codecs.writeLength(out, bytes.length);
            out.write(bytes, 0, bytes.length - 1);
        }

        @Override
        public Label read(DataInput in) throws IOException {
            return new Label(new String(Codecs.readBytes(in, "Label"), StandardCharsets.UTF_8));
        }
    }

    /** Broken: writes a counter after the value, so two encodings of one value differ. */
    static final class NonDeterministicCodec extends LabelCodec {
        private final AtomicInteger counter = new AtomicInteger();
        private final GoodLabelCodec good = new GoodLabelCodec();

        @Override
        public void write(Label value, DataOutput out) throws IOException {
            good.write(value, out);
            out.writeByte(counter.incrementAndGet());
        }

        @Override
        public Label read(DataInput in) throws IOException {
            Label label = good.read(in);
            in.readByte();
            return label;
        }
    }

    /**
     * Broken: waits for ever (until interrupted) on a first byte whose low four bits are all set,
     * instead of failing; one random input in sixteen that reaches it.
     */
    static final class HangingCodec extends LabelCodec {
        private final GoodLabelCodec good = new GoodLabelCodec();

        @Override
        public void write(Label value, DataOutput out) throws IOException {
            good.write(value, out);
        }

        @Override
        public Label read(DataInput in) throws IOException {
            int first = in.readUnsignedByte();
            if ((first & 0x0F) == 0x0F) {
                try {
                    Thread.sleep(Long.MAX_VALUE);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted");
                }
            }
            byte[] bytes = new byte[first];
            in.readFully(bytes);
            return new Label(new String(bytes, StandardCharsets.UTF_8));
        }
    }

    private static CodecConformanceTest suiteFor(Codec<?> codec) {
        return new CodecConformanceTest() {
            @Override
            protected Codecs codecs() {
                return Codecs.builder().add(codec).build();
            }

            @Override
            protected List<Object> samples() {
                return LABELS;
            }

            @Override
            protected Duration fuzzTimeout() {
                return Duration.ofSeconds(3);
            }
        };
    }

    @Test
    void aCorrectCodec_passesEveryCheck() {
        CodecConformanceTest suite = suiteFor(new GoodLabelCodec());
        assertThatCode(() -> {
            suite.roundTrip_equalsTheOriginal();
            suite.decodeWithOffset_readsTheValueInsideALargerArray();
            suite.encoding_isDeterministic();
            suite.everyStrictPrefix_isRefusedAsTruncated();
            suite.trailingBytes_areRefused();
            suite.randomBytes_throwNothingButCodecException();
            suite.mutatedEncodings_throwNothingButCodecException();
            suite.valuesBackToBack_readBackOneByOne();
            suite.concurrentEncodeAndDecode_giveTheSameResults();
            suite.canEncode_theClassOfEverySample();
        }).doesNotThrowAnyException();
    }

    @Test
    void aCodecThatIsNotSelfDelimiting_failsTruncationTrailingAndBackToBack() {
        CodecConformanceTest suite = suiteFor(new UnterminatedLabelCodec());
        assertThatCode(suite::roundTrip_equalsTheOriginal).as("a round trip alone cannot see the flaw")
                .doesNotThrowAnyException();
        assertThatThrownBy(suite::everyStrictPrefix_isRefusedAsTruncated).isInstanceOf(AssertionError.class)
                .hasMessageContaining("instead of failing: the encoding is not self-delimiting");
        assertThatThrownBy(suite::valuesBackToBack_readBackOneByOne).isInstanceOf(AssertionError.class)
                .hasMessageContaining("first of " + Label.class.getName());
        assertThatThrownBy(suite::trailingBytes_areRefused).isInstanceOf(AssertionError.class)
                .hasMessageContaining("the codec reads past its own encoding");
    }

    @Test
    void aCodecThatDropsTheLastByte_failsTheRoundTrip() {
        CodecConformanceTest suite = suiteFor(new DropsLastByteCodec());
        assertThatThrownBy(suite::roundTrip_equalsTheOriginal).isInstanceOf(AssertionError.class)
                .hasMessageContaining("decode of the encoding of " + Label.class.getName())
                .hasMessageContaining("truncated");
    }

    @Test
    void aNonDeterministicCodec_failsDeterminism() {
        CodecConformanceTest suite = suiteFor(new NonDeterministicCodec());
        assertThatCode(suite::roundTrip_equalsTheOriginal).doesNotThrowAnyException();
        assertThatThrownBy(suite::encoding_isDeterministic).isInstanceOf(AssertionError.class)
                .hasMessageContaining("two encodings of " + Label.class.getName());
    }

    @Test
    void aCodecThatHangs_failsTheFuzzTestInsteadOfStallingTheBuild() {
        CodecConformanceTest suite = suiteFor(new HangingCodec());
        assertThatThrownBy(suite::randomBytes_throwNothingButCodecException).isInstanceOf(AssertionError.class)
                .hasMessageContaining("hang the decoder");
    }
}
