package dev.slotgrid.slot;

/** MurmurHash3 x86 32-bit (Austin Appleby, public domain), seed 0, over a byte range. */
final class Murmur3 {

    private static final int C1 = 0xcc9e2d51;
    private static final int C2 = 0x1b873593;

    private Murmur3() {
    }

    static int of(byte[] data, int from, int to) {
        int h1 = 0;
        int length = to - from;
        int blocksEnd = from + (length & ~3);
        for (int i = from; i < blocksEnd; i += 4) {
            int k1 = (data[i] & 0xFF) | (data[i + 1] & 0xFF) << 8 | (data[i + 2] & 0xFF) << 16 | data[i + 3] << 24;
            h1 ^= mixK1(k1);
            h1 = Integer.rotateLeft(h1, 13);
            h1 = h1 * 5 + 0xe6546b64;
        }
        int k1 = 0;
        switch (length & 3) {
            case 3:
                k1 ^= (data[blocksEnd + 2] & 0xFF) << 16;
                // fall through
            case 2:
                k1 ^= (data[blocksEnd + 1] & 0xFF) << 8;
                // fall through
            case 1:
                k1 ^= data[blocksEnd] & 0xFF;
                h1 ^= mixK1(k1);
                break;
            default:
                break;
        }
        h1 ^= length;
        h1 ^= h1 >>> 16;
        h1 *= 0x85ebca6b;
        h1 ^= h1 >>> 13;
        h1 *= 0xc2b2ae35;
        h1 ^= h1 >>> 16;
        return h1;
    }

    private static int mixK1(int k1) {
        k1 *= C1;
        k1 = Integer.rotateLeft(k1, 15);
        return k1 * C2;
    }
}
