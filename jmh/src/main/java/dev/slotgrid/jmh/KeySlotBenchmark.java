package dev.slotgrid.jmh;

import dev.slotgrid.slot.Crc16Partitioner;
import dev.slotgrid.slot.Murmur3Partitioner;
import dev.slotgrid.spi.Partitioner;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of a key's slot: Redis-compatible CRC16 (the default partitioner) against MurmurHash3
 * (the alternative), for {@code String} and {@code byte[]} keys of typical lengths, with and
 * without a {@code {hash tag}}. Both go through {@link Partitioner#slotOf(Object)}, as the grid
 * calls them.
 *
 * <p><b>Hypothesis.</b> CRC16 costs about 1 ns per hashed byte (one table look-up each), a few ns
 * for short keys, so it is a small part of a grid call; a hash tag makes a long key as cheap as its
 * tag plus the scan for braces. CRC16 of a {@code String} allocates nothing (ASCII is hashed
 * straight from the chars): {@code gc.alloc.rate.norm} is 0 B/op under {@code -prof gc}. Murmur3
 * processes 4 bytes per step and wins on long {@code byte[]} keys, but it encodes a
 * {@code String} into a per-thread buffer first.
 *
 * <p>Keys: 1024 random ASCII keys per configuration, {@code keyLength} characters, visited in turn.
 * Tagged keys look like {@code {a1b2c3}:xxxx...} (a 6-character tag), untagged ones like
 * {@code user:a1b2c3xxxx...}.
 *
 * <p>Run alone (from the repository root):
 *
 * <pre>
 * flock /tmp/slotgrid-mvn.lock mvn -B -q -pl jmh -am package -DskipTests
 * flock /tmp/slotgrid-mvn.lock java @jmh/target/jvm.flags -jar jmh/target/benchmarks.jar KeySlotBenchmark -prof gc
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class KeySlotBenchmark {

    private static final int KEY_COUNT = 1024;
    private static final int KEY_MASK = KEY_COUNT - 1;
    private static final int TAG_LENGTH = 6;
    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

    /** Characters (= UTF-8 bytes) per key. */
    @Param({"8", "24", "64"})
    public int keyLength;

    /** Whether each key holds a 6-character hash tag. */
    @Param({"false", "true"})
    public boolean tagged;

    private final Partitioner crc16 = new Crc16Partitioner();
    private final Partitioner murmur3 = new Murmur3Partitioner();
    private String[] textKeys;
    private byte[][] byteKeys;
    private int next;

    /** Builds the keys. */
    @Setup(Level.Trial)
    public void setUp() {
        SplittableRandom random = new SplittableRandom(KEY_COUNT);
        textKeys = new String[KEY_COUNT];
        byteKeys = new byte[KEY_COUNT][];
        for (int i = 0; i < KEY_COUNT; i++) {
            textKeys[i] = key(random);
            byteKeys[i] = textKeys[i].getBytes(StandardCharsets.UTF_8);
        }
    }

    private String key(SplittableRandom random) {
        StringBuilder key = new StringBuilder(keyLength);
        String id = randomText(random, TAG_LENGTH);
        if (tagged) {
            key.append('{').append(id).append("}:");
        } else {
            key.append("user:").append(id);
        }
        key.append(randomText(random, Math.max(0, keyLength - key.length())));
        key.setLength(keyLength);
        return key.toString();
    }

    private static String randomText(SplittableRandom random, int length) {
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            text.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return text.toString();
    }

    /** @return the slot of the next {@code String} key by CRC16 */
    @Benchmark
    public int crc16String() {
        return crc16.slotOf(textKeys[next++ & KEY_MASK]);
    }

    /** @return the slot of the next {@code byte[]} key by CRC16 */
    @Benchmark
    public int crc16Bytes() {
        return crc16.slotOf(byteKeys[next++ & KEY_MASK]);
    }

    /** @return the slot of the next {@code String} key by Murmur3 */
    @Benchmark
    public int murmur3String() {
        return murmur3.slotOf(textKeys[next++ & KEY_MASK]);
    }

    /** @return the slot of the next {@code byte[]} key by Murmur3 */
    @Benchmark
    public int murmur3Bytes() {
        return murmur3.slotOf(byteKeys[next++ & KEY_MASK]);
    }
}
