package dev.slotgrid.slot;

/**
 * CRC16/XMODEM (polynomial 0x1021, initial value 0, no reflection, no final xor): the checksum
 * Redis Cluster hashes keys with. {@code crc16("123456789") == 0x31C3}.
 *
 * <p>Slicing-by-8: the textbook loop looks up one table entry per byte, each waiting for the last
 * (about 2 ns a byte here). Because the register is 16 bits wide, feeding bytes
 * {@code b0..b7} into register {@code c} equals feeding {@code (c>>8)^b0, (c&0xFF)^b1, b2..b7} into
 * a zero register, and by linearity that is the xor of eight independent look-ups:
 * {@code T[(7-i) * 256 + byte i]}, where {@code T[k * 256 + x]} is the register after feeding
 * {@code x} followed by {@code k} zero bytes. Eight bytes then cost one dependent step.
 */
final class Crc16 {

    /**
     * {@code T[k * 256 + x]}: the register after feeding byte {@code x} then {@code k} zero bytes.
     * One flat array (8 KiB, in L1): one load per look-up, no row indirection.
     */
    private static final int[] T = new int[8 * 256];
    private static final int T1 = 256;
    private static final int T2 = 2 * 256;
    private static final int T3 = 3 * 256;
    private static final int T4 = 4 * 256;
    private static final int T5 = 5 * 256;
    private static final int T6 = 6 * 256;
    private static final int T7 = 7 * 256;

    static {
        for (int x = 0; x < 256; x++) {
            int crc = x << 8;
            for (int bit = 0; bit < 8; bit++) {
                crc = (crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1;
            }
            T[x] = crc & 0xFFFF;
        }
        for (int k = 1; k < 8; k++) {
            for (int x = 0; x < 256; x++) {
                int prev = T[(k - 1) * 256 + x];
                T[k * 256 + x] = ((prev << 8) ^ T[prev >>> 8]) & 0xFFFF; // feed one more zero byte
            }
        }
    }

    private Crc16() {
    }

    static int update(int crc, int b) {
        return ((crc << 8) ^ T[((crc >>> 8) ^ b) & 0xFF]) & 0xFFFF;
    }

    static int of(byte[] bytes, int from, int to) {
        int crc = 0;
        int i = from;
        for (; i + 8 <= to; i += 8) {
            crc = T[T7 + (((crc >>> 8) ^ bytes[i]) & 0xFF)]
                    ^ T[T6 + ((crc ^ bytes[i + 1]) & 0xFF)]
                    ^ T[T5 + (bytes[i + 2] & 0xFF)]
                    ^ T[T4 + (bytes[i + 3] & 0xFF)]
                    ^ T[T3 + (bytes[i + 4] & 0xFF)]
                    ^ T[T2 + (bytes[i + 5] & 0xFF)]
                    ^ T[T1 + (bytes[i + 6] & 0xFF)]
                    ^ T[bytes[i + 7] & 0xFF];
        }
        for (; i < to; i++) {
            crc = update(crc, bytes[i]);
        }
        return crc;
    }

    /**
     * CRC16 of {@code s[from, to)} when every char in it is ASCII (then char == UTF-8 byte), or -1 as
     * soon as one is not, so that the caller encodes the text instead. Allocation-free.
     */
    static int ofAscii(String s, int from, int to) {
        int crc = 0;
        int i = from;
        for (; i + 8 <= to; i += 8) {
            char c0 = s.charAt(i);
            char c1 = s.charAt(i + 1);
            char c2 = s.charAt(i + 2);
            char c3 = s.charAt(i + 3);
            char c4 = s.charAt(i + 4);
            char c5 = s.charAt(i + 5);
            char c6 = s.charAt(i + 6);
            char c7 = s.charAt(i + 7);
            if (((c0 | c1 | c2 | c3 | c4 | c5 | c6 | c7) & 0xFF80) != 0) {
                return -1;
            }
            crc = T[T7 + ((crc >>> 8) ^ c0)]
                    ^ T[T6 + ((crc & 0xFF) ^ c1)]
                    ^ T[T5 + c2]
                    ^ T[T4 + c3]
                    ^ T[T3 + c4]
                    ^ T[T2 + c5]
                    ^ T[T1 + c6]
                    ^ T[c7];
        }
        for (; i < to; i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                return -1;
            }
            crc = update(crc, c);
        }
        return crc;
    }
}
