package dev.slotgrid.slot;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The slot of a key as Redis Cluster computes it ({@code CLUSTER KEYSLOT}), and the command-line
 * equivalent of {@code redis-cli CLUSTER KEYSLOT}.
 *
 * <pre>{@code
 * java -cp ... dev.slotgrid.slot.KeySlot '{user1000}.following' foo   # prints 3443 and 12182
 * printf 'a\nb\n' | java -cp ... dev.slotgrid.slot.KeySlot            # one slot per input line
 * }</pre>
 *
 * <p>All methods are static, thread-safe and allocation-free; see {@link Crc16Partitioner} for the
 * rules and the key types accepted.
 */
public final class KeySlot {

    private static final Crc16Partitioner CRC16 = new Crc16Partitioner();

    private KeySlot() {
    }

    /**
     * The Redis slot of a key of any supported type.
     *
     * @param key a {@code String}, {@code byte[]}, boxed integer, {@code UUID} or
     *     {@link dev.slotgrid.spi.RoutingKey}
     * @return the slot in {@code [0, 16384)}
     * @throws NullPointerException if {@code key} is {@code null}
     * @throws IllegalArgumentException if the key's type is not supported; the message names it
     */
    public static int of(Object key) {
        Objects.requireNonNull(key, "key must not be null");
        return CRC16.slotOf(key);
    }

    /**
     * The Redis slot of a text key: CRC16 of its UTF-8 bytes (or of its hash tag's).
     *
     * @param key the key, not {@code null}
     * @return the slot in {@code [0, 16384)}
     * @throws NullPointerException if {@code key} is {@code null}
     */
    public static int of(String key) {
        Objects.requireNonNull(key, "key must not be null");
        return CRC16.slotOfString(key);
    }

    /**
     * The Redis slot of a binary key: CRC16 of the bytes (or of its hash tag's).
     *
     * @param key the key, not {@code null}; not modified
     * @return the slot in {@code [0, 16384)}
     * @throws NullPointerException if {@code key} is {@code null}
     */
    public static int of(byte[] key) {
        Objects.requireNonNull(key, "key must not be null");
        return CRC16.slotOfBytes(key);
    }

    /**
     * Prints the slot of each argument, one per line. With no arguments, reads standard input as
     * lines of UTF-8 (split on {@code '\n'} only; every other byte, including {@code '\r'}, is part
     * of the key, and a final line without {@code '\n'} counts) and prints one slot per line in the
     * same order.
     *
     * @param args the keys; none to read them from standard input
     * @throws IOException if standard input or output fails
     */
    public static void main(String[] args) throws IOException {
        PrintStream out = new PrintStream(new BufferedOutputStream(System.out, 1 << 16), false,
                StandardCharsets.US_ASCII);
        if (args.length > 0) {
            for (String key : args) {
                out.println(of(key.getBytes(StandardCharsets.UTF_8)));
            }
        } else {
            slotsOfLines(System.in, out);
        }
        out.flush();
    }

    static void slotsOfLines(InputStream in, OutputStream sink) throws IOException {
        PrintStream out = sink instanceof PrintStream ? (PrintStream) sink
                : new PrintStream(sink, false, StandardCharsets.US_ASCII);
        InputStream input = new BufferedInputStream(in, 1 << 16);
        ByteArrayOutputStream line = new ByteArrayOutputStream(256);
        boolean pending = false;
        for (int b = input.read(); b != -1; b = input.read()) {
            if (b == '\n') {
                out.println(of(line.toByteArray()));
                line.reset();
                pending = false;
            } else {
                line.write(b);
                pending = true;
            }
        }
        if (pending) {
            out.println(of(line.toByteArray()));
        }
        out.flush();
    }
}
