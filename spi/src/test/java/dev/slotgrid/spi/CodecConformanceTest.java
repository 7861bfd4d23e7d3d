package dev.slotgrid.spi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The suite every {@link Codec} must pass, run through a {@link Codecs} registry (the way the grid
 * uses a codec): round trip, determinism, truncation, garbage, self-delimitation and thread-safety.
 * One concrete subclass per codec, as JCTools' {@code QueueSanityTest} is run per queue.
 *
 * <h2>Running it against your own codec</h2>
 * Depend on the SPI's test jar and JUnit 5 (the suite uses JUnit's assertions only):
 * <pre>{@code
 * <dependency>
 *   <groupId>dev.slotgrid</groupId>
 *   <artifactId>slotgrid-spi</artifactId>
 *   <version>${slotgrid.version}</version>
 *   <type>test-jar</type>
 *   <scope>test</scope>
 * </dependency>
 * }</pre>
 * then extend this class with a registry holding your codec and values that cover its edge cases
 * (empty, extreme, multi-byte, {@code null} fields):
 * <pre>{@code
 * class MoneyCodecConformanceTest extends CodecConformanceTest {
 *     @Override
 *     protected Codecs codecs() {
 *         return Codecs.builder().add(new MoneyCodec()).build();
 *     }
 *
 *     @Override
 *     protected List<Object> samples() {
 *         return List.of(new Money(0, "EUR"), new Money(Long.MIN_VALUE, "JPY"));
 *     }
 * }
 * }</pre>
 * and run it with your tests ({@code mvn test}). {@link ExampleMoneyCodecConformanceTest} is such a
 * subclass. Each test method is public and may also be called directly (a test of the suite itself
 * does, on deliberately broken codecs).
 *
 * <p>The fuzz tests draw from a seeded {@link Random}; the seed is printed and put in every
 * failure message. Re-run one failure with {@code -Dslotgrid.codec.seed=<seed>}. Their loops are
 * bounded ({@value #FUZZ_ROUNDS} inputs) and run under {@link #fuzzTimeout()}, so a codec that hangs
 * fails instead of stalling the build.
 */
public abstract class CodecConformanceTest {

    /** Inputs per fuzz test. */
    protected static final int FUZZ_ROUNDS = 2000;

    /** Above this many bytes an encoding's prefixes are sampled rather than all tried. */
    private static final int ALL_PREFIXES_UP_TO_BYTES = 4096;

    private Codecs registry;
    private long seed = Long.MIN_VALUE;

    /**
     * The registry under test: the codec under test registered in it, and the allowlist its samples
     * need. Called once per test.
     *
     * @return the registry
     */
    protected abstract Codecs codecs();

    /**
     * Values of the codec under test, edge cases included; at least one. May contain {@code null}.
     *
     * @return the samples
     */
    protected abstract List<Object> samples();

    /**
     * Whether a decoded value is the sample it came from. By default {@link Objects#deepEquals}
     * (arrays by content).
     *
     * @param expected the sample
     * @param actual the decoded value
     * @return whether they are the same value
     */
    protected boolean sameValue(Object expected, Object actual) {
        return Objects.deepEquals(expected, actual);
    }

    /**
     * How long one fuzz test may run before it counts as a hang.
     *
     * @return the time limit
     */
    protected Duration fuzzTimeout() {
        return Duration.ofSeconds(60);
    }

    // ---- the checks ----

    /** Every sample decodes to a value equal to itself, from an array and from a stream. */
    @Test
    public void roundTrip_equalsTheOriginal() {
        for (Object sample : requireSamples()) {
            byte[] bytes = encodeOrFail(sample);
            assertSameValue(sample, decodeOrFail(bytes, 0, bytes.length, sample), "decode(encode(x))");
            Object read;
            try {
                read = codecs0().read(new DataInputStream(new ByteArrayInputStream(bytes)));
            } catch (CodecException e) {
                throw new AssertionError("read(DataInput) of the encoding of " + describe(sample) + " failed: "
                        + e.getMessage(), e);
            }
            assertSameValue(sample, read, "read(DataInput) of encode(x)");
        }
    }

    /** An encoding in the middle of a larger array decodes through {@code decode(bytes, offset, length)}. */
    @Test
    public void decodeWithOffset_readsTheValueInsideALargerArray() {
        for (Object sample : requireSamples()) {
            byte[] bytes = encodeOrFail(sample);
            byte[] larger = new byte[bytes.length + 10];
            Arrays.fill(larger, (byte) 0x5A);
            System.arraycopy(bytes, 0, larger, 7, bytes.length);
            assertSameValue(sample, decodeOrFail(larger, 7, bytes.length, sample), "decode(larger, 7, length)");
        }
    }

    /** Encoding a sample twice, or encoding its decoded copy, gives the same bytes. */
    @Test
    public void encoding_isDeterministic() {
        for (Object sample : requireSamples()) {
            byte[] first = encodeOrFail(sample);
            assertArrayEquals(first, encodeOrFail(sample), () -> "two encodings of " + describe(sample) + " differ");
            Object copy = decodeOrFail(first, 0, first.length, sample);
            assertArrayEquals(first, encodeOrFail(copy),
                    () -> "the decoded copy of " + describe(sample) + " encodes to other bytes");
        }
    }

    /**
     * Every strict prefix of an encoding is refused with a {@link CodecException}, from an array
     * and from a stream. (Long encodings: the first and last 64 prefixes and 256 spread between.)
     */
    @Test
    public void everyStrictPrefix_isRefusedAsTruncated() {
        for (Object sample : requireSamples()) {
            byte[] bytes = encodeOrFail(sample);
            for (int length : prefixLengths(bytes.length)) {
                assertRefused(bytes, length, sample);
                byte[] prefix = Arrays.copyOf(bytes, length);
                try {
                    Object read = codecs0().read(new DataInputStream(new ByteArrayInputStream(prefix)));
                    fail("read(DataInput) of the first " + length + " of the " + bytes.length + " bytes of "
                            + describe(sample) + " returned " + describe(read) + " instead of failing: the encoding "
                            + "is not self-delimiting, or the codec does not notice truncation");
                } catch (CodecException expected) {
                    // refused, as it must be
                }
            }
        }
    }

    /** An encoding followed by more bytes is refused by {@code decode}, which reads one whole value. */
    @Test
    public void trailingBytes_areRefused() {
        for (Object sample : requireSamples()) {
            byte[] bytes = encodeOrFail(sample);
            byte[] longer = Arrays.copyOf(bytes, bytes.length + 1);
            try {
                Object value = codecs0().decode(longer);
                fail("decode of the encoding of " + describe(sample) + " plus one byte returned " + describe(value)
                        + ": the codec reads past its own encoding");
            } catch (CodecException expected) {
                // refused, as it must be
            }
        }
    }

    /**
     * Random byte arrays, half of them starting with a sample's tag so that the codec under test
     * reads them, decode to a value or fail with a {@link CodecException}; nothing else, no hang.
     */
    @Test
    public void randomBytes_throwNothingButCodecException() {
        List<byte[]> tags = tagsOfSamples();
        Random random = new Random(seed());
        assertTimeoutPreemptively(fuzzTimeout(), () -> {
            for (int round = 0; round < FUZZ_ROUNDS; round++) {
                byte[] input = new byte[random.nextInt(48)];
                random.nextBytes(input);
                if (round % 2 == 0 && input.length > 0) {
                    byte[] tag = tags.get(random.nextInt(tags.size()));
                    System.arraycopy(tag, 0, input, 0, Math.min(tag.length, input.length));
                }
                decodeHostile(input, round);
            }
        }, () -> "random inputs hang the decoder (seed " + seed() + ")");
    }

    /**
     * Valid encodings with one to three bytes changed, inserted or removed decode to a value or
     * fail with a {@link CodecException}; nothing else, no hang.
     */
    @Test
    public void mutatedEncodings_throwNothingButCodecException() {
        List<byte[]> encodings = new ArrayList<>();
        for (Object sample : requireSamples()) {
            encodings.add(encodeOrFail(sample));
        }
        Random random = new Random(seed() + 1);
        assertTimeoutPreemptively(fuzzTimeout(), () -> {
            for (int round = 0; round < FUZZ_ROUNDS; round++) {
                byte[] input = encodings.get(random.nextInt(encodings.size())).clone();
                int mutations = 1 + random.nextInt(3);
                for (int m = 0; m < mutations && input.length > 0; m++) {
                    int at = random.nextInt(input.length);
                    switch (random.nextInt(4)) {
                        case 0 -> input[at] = (byte) random.nextInt(256);
                        case 1 -> input[at] ^= (byte) (1 << random.nextInt(8));
                        case 2 -> {
                            byte[] grown = new byte[input.length + 1];
                            System.arraycopy(input, 0, grown, 0, at);
                            grown[at] = (byte) random.nextInt(256);
                            System.arraycopy(input, at, grown, at + 1, input.length - at);
                            input = grown;
                        }
                        default -> {
                            byte[] shrunk = new byte[input.length - 1];
                            System.arraycopy(input, 0, shrunk, 0, at);
                            System.arraycopy(input, at + 1, shrunk, at, input.length - at - 1);
                            input = shrunk;
                        }
                    }
                }
                decodeHostile(input, round);
            }
        }, () -> "mutated encodings hang the decoder (seed " + seed() + ")");
    }

    /** Two values written back to back on one stream read back as those two values, and nothing is left. */
    @Test
    public void valuesBackToBack_readBackOneByOne() {
        List<Object> samples = requireSamples();
        List<Object> firsts = samples.subList(0, Math.min(samples.size(), 16));
        for (Object a : firsts) {
            for (Object b : firsts) {
                ByteArrayOutputStream buffer = new ByteArrayOutputStream();
                DataOutputStream out = new DataOutputStream(buffer);
                codecs0().write(a, out);
                codecs0().write(b, out);
                DataInputStream in = new DataInputStream(new ByteArrayInputStream(buffer.toByteArray()));
                String pair = describe(a) + " then " + describe(b);
                try {
                    assertSameValue(a, codecs0().read(in), "first of " + pair);
                    assertSameValue(b, codecs0().read(in), "second of " + pair);
                    assertEquals(-1, in.read(), () -> "bytes left after reading " + pair);
                } catch (CodecException e) {
                    throw new AssertionError("reading back " + pair + " failed: the encoding is not self-delimiting ("
                            + e.getMessage() + ")", e);
                } catch (IOException e) {
                    throw new AssertionError(e);
                }
            }
        }
    }

    /** Four threads encoding and decoding every sample at once get the single-threaded results. */
    @Test
    public void concurrentEncodeAndDecode_giveTheSameResults() throws Exception {
        List<Object> samples = requireSamples();
        Codecs fresh = codecs();
        List<byte[]> expected = new ArrayList<>();
        for (Object sample : samples) {
            expected.add(encodeOrFail(sample));
        }
        int threads = 4;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int offset = t;
                futures.add(pool.submit(() -> {
                    start.await();
                    for (int round = 0; round < 200; round++) {
                        for (int i = 0; i < samples.size(); i++) {
                            int k = (i + offset) % samples.size();
                            byte[] bytes = fresh.encode(samples.get(k));
                            assertArrayEquals(expected.get(k), bytes,
                                    () -> "a concurrent encoding of " + describe(samples.get(k)) + " differs");
                            assertSameValue(samples.get(k), fresh.decode(bytes), "concurrent decode");
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> future : futures) {
                try {
                    future.get(60, TimeUnit.SECONDS);
                } catch (java.util.concurrent.ExecutionException e) {
                    throw new AssertionError("a thread encoding and decoding concurrently failed: " + e.getCause(),
                            e.getCause());
                }
            }
        } finally {
            pool.shutdownNow();
            assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS), "the test threads did not stop");
        }
    }

    /** The registry says it can encode the class of every (non-null) sample. */
    @Test
    public void canEncode_theClassOfEverySample() {
        for (Object sample : requireSamples()) {
            if (sample != null) {
                assertTrue(codecs0().canEncode(sample.getClass()), () -> "canEncode(" + sample.getClass().getName()
                        + ") is false, yet it is a sample");
            }
        }
    }

    // ---- helpers ----

    private Codecs codecs0() {
        if (registry == null) {
            registry = Objects.requireNonNull(codecs(), "codecs() must not return null");
        }
        return registry;
    }

    private List<Object> requireSamples() {
        List<Object> samples = samples();
        assertFalse(samples == null || samples.isEmpty(), "samples() must return at least one value");
        return samples;
    }

    private long seed() {
        if (seed == Long.MIN_VALUE) {
            seed = Long.getLong("slotgrid.codec.seed", System.nanoTime());
            String suite = getClass().getSimpleName().isEmpty() ? getClass().getName() : getClass().getSimpleName();
            System.out.println(suite + ": fuzz seed " + seed + " (-Dslotgrid.codec.seed=" + seed
                    + " to repeat)");
        }
        return seed;
    }

    private byte[] encodeOrFail(Object sample) {
        try {
            return codecs0().encode(sample);
        } catch (CodecException e) {
            throw new AssertionError("encode of the sample " + describe(sample) + " failed: " + e.getMessage(), e);
        }
    }

    private Object decodeOrFail(byte[] bytes, int offset, int length, Object sample) {
        try {
            return codecs0().decode(bytes, offset, length);
        } catch (CodecException e) {
            throw new AssertionError("decode of the encoding of " + describe(sample) + " (" + length + " bytes) failed: "
                    + e.getMessage(), e);
        }
    }

    private void assertSameValue(Object expected, Object actual, String what) {
        if (!sameValue(expected, actual)) {
            fail(what + ": expected " + describe(expected) + " but got " + describe(actual));
        }
    }

    private void assertRefused(byte[] bytes, int length, Object sample) {
        try {
            Object value = codecs0().decode(bytes, 0, length);
            fail("decode of the first " + length + " of the " + bytes.length + " bytes of " + describe(sample)
                    + " returned " + describe(value) + " instead of failing: the encoding is not self-delimiting, or "
                    + "the codec does not notice truncation");
        } catch (CodecException expected) {
            // refused, as it must be
        }
    }

    private void decodeHostile(byte[] input, int round) {
        try {
            if (round % 3 == 0) {
                codecs0().read(new DataInputStream(new ByteArrayInputStream(input)));
            } else {
                codecs0().decode(input);
            }
        } catch (CodecException expected) {
            // the one failure allowed
        } catch (Throwable e) {
            throw new AssertionError("input " + hex(input) + " threw " + e + " instead of a CodecException (seed "
                    + seed() + ", round " + round + ")", e);
        }
    }

    private List<byte[]> tagsOfSamples() {
        List<byte[]> tags = new ArrayList<>();
        for (Object sample : requireSamples()) {
            byte[] bytes = encodeOrFail(sample);
            int tagLength = 1;
            while (tagLength < bytes.length && tagLength < 5 && (bytes[tagLength - 1] & 0x80) != 0) {
                tagLength++;
            }
            tags.add(Arrays.copyOf(bytes, tagLength));
        }
        return tags;
    }

    private static List<Integer> prefixLengths(int length) {
        List<Integer> lengths = new ArrayList<>();
        if (length <= ALL_PREFIXES_UP_TO_BYTES) {
            for (int i = 0; i < length; i++) {
                lengths.add(i);
            }
            return lengths;
        }
        for (int i = 0; i < 64; i++) {
            lengths.add(i);
            lengths.add(length - 1 - i);
        }
        for (int i = 1; i < 256; i++) {
            lengths.add((int) ((long) length * i / 256));
        }
        return lengths;
    }

    /** A sample for a message: its class and a short form of its text. */
    protected static String describe(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof byte[] bytes) {
            return "byte[" + bytes.length + "]";
        }
        String text = String.valueOf(value);
        if (text.length() > 60) {
            text = text.substring(0, 60) + "...(" + text.length() + " chars)";
        }
        return value.getClass().getName() + " '" + text + "'";
    }

    private static String hex(byte[] bytes) {
        StringBuilder text = new StringBuilder(bytes.length * 2);
        for (byte b : bytes) {
            text.append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
        }
        return text.toString();
    }
}
