package dev.slotgrid.slot;

import dev.slotgrid.spi.Partitioner;
import dev.slotgrid.spi.RoutingKey;
import java.util.UUID;

/**
 * The part every built-in partitioner shares: turning a supported key into the bytes Redis would
 * see (UTF-8 text, raw bytes, decimal digits, canonical UUID text), finding its {@code {hash tag}}
 * and handing the tagged range to one hash function.
 *
 * <p>Allocation-free: ASCII strings are hashed straight from their chars; everything else is
 * encoded into a per-thread scratch buffer that is allocated once per thread (and regrown only for
 * keys longer than any seen before on that thread, up to {@link #MAX_RETAINED_SCRATCH_BYTES}).
 */
abstract class RoutingText implements Partitioner {

    static final int MAX_RETAINED_SCRATCH_BYTES = 64 * 1024;

    private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[128]);

    private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /** The hash of {@code bytes[from, to)}; only its low 14 bits are used. */
    abstract int hash(byte[] bytes, int from, int to);

    /**
     * The hash of the UTF-8 encoding of {@code s[from, to)} if it can be computed straight from the
     * chars, or -1 to have the caller encode the text first.
     */
    int hashAscii(String s, int from, int to) {
        return -1;
    }

    @Override
    public final int slotOf(Object key) {
        if (key instanceof String) {
            return slotOfString((String) key);
        }
        if (key instanceof byte[]) {
            return slotOfBytes((byte[]) key);
        }
        if (key instanceof Long || key instanceof Integer || key instanceof Short || key instanceof Byte) {
            return slotOfDecimal(((Number) key).longValue());
        }
        if (key instanceof UUID) {
            return slotOfUuid((UUID) key);
        }
        if (key instanceof RoutingKey) {
            String text = ((RoutingKey) key).routingKey();
            if (text == null) {
                throw new IllegalArgumentException("routingKey() of " + key.getClass().getName()
                        + " returned null; a RoutingKey must name non-null routing text");
            }
            return slotOfString(text);
        }
        if (key == null) { // last: costs a supported key nothing
            throw new NullPointerException("key must not be null");
        }
        throw unsupported(key);
    }

    static IllegalArgumentException unsupported(Object key) {
        return new IllegalArgumentException("unsupported key type " + key.getClass().getName()
                + ": use String, byte[], Long, Integer, Short, Byte or UUID, or implement "
                + RoutingKey.class.getName() + " to name the key's routing text");
    }

    final int slotOfString(String key) {
        int from = 0;
        int to = key.length();
        int open = key.indexOf('{');
        if (open >= 0) {
            int close = key.indexOf('}', open + 1);
            if (close > open + 1) {
                from = open + 1;
                to = close;
            }
        }
        int h = hashAscii(key, from, to);
        if (h != -1) {
            return h & (SLOT_COUNT - 1);
        }
        byte[] buf = scratch(3 * (to - from));
        int n = encodeUtf8(key, from, to, buf);
        return hash(buf, 0, n) & (SLOT_COUNT - 1);
    }

    final int slotOfBytes(byte[] key) {
        int from = 0;
        int to = key.length;
        for (int open = 0; open < key.length; open++) {
            if (key[open] == '{') {
                for (int close = open + 1; close < key.length; close++) {
                    if (key[close] == '}') {
                        if (close > open + 1) {
                            from = open + 1;
                            to = close;
                        }
                        break;
                    }
                }
                break;
            }
        }
        return hash(key, from, to) & (SLOT_COUNT - 1);
    }

    /** Decimal text, as {@code Long.toString} writes it and Redis receives it; never holds a tag. */
    final int slotOfDecimal(long value) {
        byte[] buf = scratch(20);
        int pos = 20;
        long v = value < 0 ? value : -value; // negative space covers Long.MIN_VALUE
        do {
            buf[--pos] = (byte) ('0' - (v % 10));
            v /= 10;
        } while (v != 0);
        if (value < 0) {
            buf[--pos] = '-';
        }
        return hash(buf, pos, 20) & (SLOT_COUNT - 1);
    }

    /** Canonical text, as {@code UUID.toString} writes it: 8-4-4-4-12 lower-case hex digits. */
    final int slotOfUuid(UUID id) {
        byte[] buf = scratch(36);
        long msb = id.getMostSignificantBits();
        long lsb = id.getLeastSignificantBits();
        hex(msb >>> 32, buf, 0, 8);
        buf[8] = '-';
        hex(msb >>> 16, buf, 9, 4);
        buf[13] = '-';
        hex(msb, buf, 14, 4);
        buf[18] = '-';
        hex(lsb >>> 48, buf, 19, 4);
        buf[23] = '-';
        hex(lsb, buf, 24, 12);
        return hash(buf, 0, 36) & (SLOT_COUNT - 1);
    }

    private static void hex(long value, byte[] buf, int offset, int digits) {
        for (int i = offset + digits - 1; i >= offset; i--) {
            buf[i] = HEX[(int) (value & 0xF)];
            value >>>= 4;
        }
    }

    /**
     * Encodes {@code s[from, to)} as {@code String.getBytes(UTF_8)} would, including its replacement
     * of an unpaired surrogate by {@code '?'}; {@code buf} holds at least 3 bytes per char.
     */
    static int encodeUtf8(String s, int from, int to, byte[] buf) {
        int n = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                buf[n++] = (byte) c;
            } else if (c < 0x800) {
                buf[n++] = (byte) (0xC0 | c >> 6);
                buf[n++] = (byte) (0x80 | c & 0x3F);
            } else if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < to && Character.isLowSurrogate(s.charAt(i + 1))) {
                    int cp = Character.toCodePoint(c, s.charAt(++i));
                    buf[n++] = (byte) (0xF0 | cp >> 18);
                    buf[n++] = (byte) (0x80 | cp >> 12 & 0x3F);
                    buf[n++] = (byte) (0x80 | cp >> 6 & 0x3F);
                    buf[n++] = (byte) (0x80 | cp & 0x3F);
                } else {
                    buf[n++] = '?';
                }
            } else {
                buf[n++] = (byte) (0xE0 | c >> 12);
                buf[n++] = (byte) (0x80 | c >> 6 & 0x3F);
                buf[n++] = (byte) (0x80 | c & 0x3F);
            }
        }
        return n;
    }

    private static byte[] scratch(int size) {
        byte[] buf = SCRATCH.get();
        if (buf.length >= size) {
            return buf;
        }
        byte[] bigger = new byte[Math.max(size, buf.length * 2)];
        if (bigger.length <= MAX_RETAINED_SCRATCH_BYTES) {
            SCRATCH.set(bigger);
        }
        return bigger;
    }
}
