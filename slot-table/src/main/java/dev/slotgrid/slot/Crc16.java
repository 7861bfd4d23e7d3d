package dev.slotgrid.slot;

/**
 * CRC16/XMODEM (polynomial 0x1021, initial value 0, no reflection, no final xor): the checksum
 * Redis Cluster hashes keys with. {@code crc16("123456789") == 0x31C3}.
 */
final class Crc16 {

    private static final int[] TABLE = new int[256];

    static {
        for (int i = 0; i < 256; i++) {
            int crc = i << 8;
            for (int bit = 0; bit < 8; bit++) {
                crc = (crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1;
            }
            TABLE[i] = crc & 0xFFFF;
        }
    }

    private Crc16() {
    }

    static int update(int crc, int b) {
        return ((crc << 8) ^ TABLE[((crc >>> 8) ^ b) & 0xFF]) & 0xFFFF;
    }

    static int of(byte[] bytes, int from, int to) {
        int crc = 0;
        for (int i = from; i < to; i++) {
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
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                return -1;
            }
            crc = update(crc, c);
        }
        return crc;
    }
}
