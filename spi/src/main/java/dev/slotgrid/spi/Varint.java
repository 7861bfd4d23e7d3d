package dev.slotgrid.spi;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Variable-length integers of the wire format: LEB128, seven bits a byte, least significant group
 * first, high bit set on every byte but the last; at most five bytes for 32 bits. Signed values
 * (type tags) are zigzag-mapped first ({@code 0 -> 0, -1 -> 1, 1 -> 2, -2 -> 3, ...}), so every
 * built-in tag takes one byte.
 *
 * <p>Decoding is strict: an encoding longer than five bytes, one whose fifth byte carries more than
 * the four bits left of 32, and an overlong one (a last byte of zero after the first) are refused,
 * so every value has exactly one encoding. Stateless, thread-safe; no allocation.
 */
final class Varint {

    /** The most bytes a 32-bit varint takes. */
    static final int MAX_BYTES = 5;

    private Varint() {
    }

    /** Writes the 32 bits of {@code value} as an unsigned varint. */
    static void writeUnsigned(DataOutput out, int value) throws IOException {
        while ((value & ~0x7F) != 0) {
            out.writeByte((value & 0x7F) | 0x80);
            value >>>= 7;
        }
        out.writeByte(value);
    }

    /** Writes {@code value} zigzag-mapped, as an unsigned varint. */
    static void writeSigned(DataOutput out, int value) throws IOException {
        writeUnsigned(out, (value << 1) ^ (value >> 31));
    }

    /**
     * Reads an unsigned varint: the 32 bits it holds, which may have the sign bit set.
     *
     * @param what what the varint is, for the message, for example {@code "type tag"}
     * @throws CodecException if the encoding is too long, too wide or overlong
     * @throws java.io.EOFException if the input ends inside the varint
     */
    static int readUnsigned(DataInput in, String what) throws IOException {
        int value = 0;
        for (int i = 0; i < MAX_BYTES; i++) {
            int b = in.readUnsignedByte();
            if (i == MAX_BYTES - 1 && (b & 0xF0) != 0) {
                throw new CodecException("malformed " + what + ": varint wider than 32 bits (fifth byte 0x"
                        + Integer.toHexString(b) + ")");
            }
            value |= (b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0) {
                if (b == 0 && i > 0) {
                    throw new CodecException("malformed " + what + ": overlong varint (" + (i + 1)
                            + " bytes ending in 0x00)");
                }
                return value;
            }
        }
        throw new AssertionError("unreachable: the fifth byte has no continuation bit");
    }

    /** Reads a zigzag-mapped varint written by {@link #writeSigned}. */
    static int readSigned(DataInput in, String what) throws IOException {
        int raw = readUnsigned(in, what);
        return (raw >>> 1) ^ -(raw & 1);
    }
}
