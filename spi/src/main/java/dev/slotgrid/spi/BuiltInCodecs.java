package dev.slotgrid.spi;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;

/**
 * The built-in codecs of the JDK value types, with their stable type ids (see {@link Codecs} for
 * the table and the payload of each). Every codec here is stateless and thread-safe; payloads are
 * big-endian, lengths are unsigned varints checked with {@link Codecs#readLength}.
 */
final class BuiltInCodecs {

    static final int NULL = 0;
    static final int STRING = -1;
    static final int BYTES = -2;
    static final int INTEGER = -3;
    static final int LONG = -4;
    static final int SHORT = -5;
    static final int BYTE = -6;
    static final int BOOLEAN = -7;
    static final int DOUBLE = -8;
    static final int FLOAT = -9;
    static final int CHARACTER = -10;
    static final int BIG_INTEGER = -11;
    static final int UUID_ID = -12;
    static final int ROUTING_KEY_RECORD = -13;
    static final int JAVA_SERIALIZATION = -14;

    private BuiltInCodecs() {
    }

    /** The scalar built-ins; the record and serialization codecs need a registry and are made by it. */
    static List<Codec<?>> scalars() {
        return List.of(new StringCodec(), new BytesCodec(), new IntegerCodec(), new LongCodec(), new ShortCodec(),
                new ByteCodec(), new BooleanCodec(), new DoubleCodec(), new FloatCodec(), new CharacterCodec(),
                new BigIntegerCodec(), new UuidCodec());
    }

    // ---- UTF-8, strict both ways ----

    /**
     * Writes {@code value} as a varint length and its UTF-8 bytes.
     *
     * @throws CodecException if the string holds an unpaired surrogate, which has no UTF-8 form
     */
    static void writeUtf8(DataOutput out, String value) throws IOException {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < value.length()
                        && Character.isLowSurrogate(value.charAt(i + 1))) {
                    i++;
                } else {
                    throw new CodecException("cannot encode a String with an unpaired surrogate (0x"
                            + Integer.toHexString(c) + ") at index " + i + ": it has no UTF-8 form");
                }
            }
        }
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        Codecs.writeLength(out, bytes.length);
        out.write(bytes);
    }

    /**
     * Reads what {@link #writeUtf8} wrote.
     *
     * @throws CodecException if the bytes are not well-formed UTF-8 (overlong forms, encoded
     *     surrogates and code points past U+10FFFF included): no two byte strings decode to one
     *     string
     */
    static String readUtf8(DataInput in, String what) throws IOException {
        return readUtf8(in, what, Integer.MAX_VALUE);
    }

    /** {@link #readUtf8(DataInput, String)} refusing more than {@code maxBytes} UTF-8 bytes. */
    static String readUtf8(DataInput in, String what, int maxBytes) throws IOException {
        int length = Codecs.readLength(in, what);
        if (length > maxBytes) {
            throw new CodecException("malformed " + what + ": " + length + " bytes, more than the " + maxBytes
                    + " allowed");
        }
        byte[] bytes = CodecInput.readBytes(in, length);
        boolean ascii = true;
        for (byte b : bytes) {
            if (b < 0) {
                ascii = false;
                break;
            }
        }
        if (ascii) {
            return new String(bytes, StandardCharsets.ISO_8859_1);
        }
        try {
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes));
            return chars.toString();
        } catch (CharacterCodingException e) {
            throw new CodecException("malformed " + what + ": its " + bytes.length + " bytes are not well-formed UTF-8 ("
                    + e + ")", e);
        }
    }

    // ---- the codecs ----

    /** String: varint byte length, then UTF-8 (not {@code writeUTF}, which stops at 64 KiB). */
    static final class StringCodec implements Codec<String> {
        @Override
        public String name() {
            return "string";
        }

        @Override
        public int typeId() {
            return STRING;
        }

        @Override
        public Class<String> type() {
            return String.class;
        }

        @Override
        public void write(String value, DataOutput out) throws IOException {
            writeUtf8(out, value);
        }

        @Override
        public String read(DataInput in) throws IOException {
            return readUtf8(in, "String");
        }
    }

    /** byte[]: varint length, then the bytes. */
    static final class BytesCodec implements Codec<byte[]> {
        @Override
        public String name() {
            return "bytes";
        }

        @Override
        public int typeId() {
            return BYTES;
        }

        @Override
        public Class<byte[]> type() {
            return byte[].class;
        }

        @Override
        public void write(byte[] value, DataOutput out) throws IOException {
            Codecs.writeLength(out, value.length);
            out.write(value);
        }

        @Override
        public byte[] read(DataInput in) throws IOException {
            return Codecs.readBytes(in, "byte[]");
        }
    }

    /** Integer: four bytes, big-endian. */
    static final class IntegerCodec implements Codec<Integer> {
        @Override
        public String name() {
            return "int";
        }

        @Override
        public int typeId() {
            return INTEGER;
        }

        @Override
        public Class<Integer> type() {
            return Integer.class;
        }

        @Override
        public void write(Integer value, DataOutput out) throws IOException {
            out.writeInt(value);
        }

        @Override
        public Integer read(DataInput in) throws IOException {
            return in.readInt();
        }
    }

    /** Long: eight bytes, big-endian. */
    static final class LongCodec implements Codec<Long> {
        @Override
        public String name() {
            return "long";
        }

        @Override
        public int typeId() {
            return LONG;
        }

        @Override
        public Class<Long> type() {
            return Long.class;
        }

        @Override
        public void write(Long value, DataOutput out) throws IOException {
            out.writeLong(value);
        }

        @Override
        public Long read(DataInput in) throws IOException {
            return in.readLong();
        }
    }

    /** Short: two bytes, big-endian. */
    static final class ShortCodec implements Codec<Short> {
        @Override
        public String name() {
            return "short";
        }

        @Override
        public int typeId() {
            return SHORT;
        }

        @Override
        public Class<Short> type() {
            return Short.class;
        }

        @Override
        public void write(Short value, DataOutput out) throws IOException {
            out.writeShort(value);
        }

        @Override
        public Short read(DataInput in) throws IOException {
            return in.readShort();
        }
    }

    /** Byte: one byte. */
    static final class ByteCodec implements Codec<Byte> {
        @Override
        public String name() {
            return "byte";
        }

        @Override
        public int typeId() {
            return BYTE;
        }

        @Override
        public Class<Byte> type() {
            return Byte.class;
        }

        @Override
        public void write(Byte value, DataOutput out) throws IOException {
            out.writeByte(value);
        }

        @Override
        public Byte read(DataInput in) throws IOException {
            return in.readByte();
        }
    }

    /** Boolean: one byte, 0 or 1; any other byte is refused. */
    static final class BooleanCodec implements Codec<Boolean> {
        @Override
        public String name() {
            return "boolean";
        }

        @Override
        public int typeId() {
            return BOOLEAN;
        }

        @Override
        public Class<Boolean> type() {
            return Boolean.class;
        }

        @Override
        public void write(Boolean value, DataOutput out) throws IOException {
            out.writeByte(value ? 1 : 0);
        }

        @Override
        public Boolean read(DataInput in) throws IOException {
            int b = in.readUnsignedByte();
            if (b > 1) {
                throw new CodecException("malformed Boolean: byte 0x" + Integer.toHexString(b) + ", expected 0 or 1");
            }
            return b == 1;
        }
    }

    /** Double: the eight bytes of {@link Double#doubleToLongBits} (every NaN as the canonical NaN). */
    static final class DoubleCodec implements Codec<Double> {
        @Override
        public String name() {
            return "double";
        }

        @Override
        public int typeId() {
            return DOUBLE;
        }

        @Override
        public Class<Double> type() {
            return Double.class;
        }

        @Override
        public void write(Double value, DataOutput out) throws IOException {
            out.writeLong(Double.doubleToLongBits(value));
        }

        @Override
        public Double read(DataInput in) throws IOException {
            return Double.longBitsToDouble(in.readLong());
        }
    }

    /** Float: the four bytes of {@link Float#floatToIntBits} (every NaN as the canonical NaN). */
    static final class FloatCodec implements Codec<Float> {
        @Override
        public String name() {
            return "float";
        }

        @Override
        public int typeId() {
            return FLOAT;
        }

        @Override
        public Class<Float> type() {
            return Float.class;
        }

        @Override
        public void write(Float value, DataOutput out) throws IOException {
            out.writeInt(Float.floatToIntBits(value));
        }

        @Override
        public Float read(DataInput in) throws IOException {
            return Float.intBitsToFloat(in.readInt());
        }
    }

    /** Character: two bytes, big-endian (any UTF-16 code unit, lone surrogates included). */
    static final class CharacterCodec implements Codec<Character> {
        @Override
        public String name() {
            return "char";
        }

        @Override
        public int typeId() {
            return CHARACTER;
        }

        @Override
        public Class<Character> type() {
            return Character.class;
        }

        @Override
        public void write(Character value, DataOutput out) throws IOException {
            out.writeChar(value);
        }

        @Override
        public Character read(DataInput in) throws IOException {
            return in.readChar();
        }
    }

    /** BigInteger: varint length, then {@link BigInteger#toByteArray()} (two's complement, minimal). */
    static final class BigIntegerCodec implements Codec<BigInteger> {
        @Override
        public String name() {
            return "big-integer";
        }

        @Override
        public int typeId() {
            return BIG_INTEGER;
        }

        @Override
        public Class<BigInteger> type() {
            return BigInteger.class;
        }

        @Override
        public void write(BigInteger value, DataOutput out) throws IOException {
            byte[] bytes = value.toByteArray();
            Codecs.writeLength(out, bytes.length);
            out.write(bytes);
        }

        @Override
        public BigInteger read(DataInput in) throws IOException {
            byte[] bytes = Codecs.readBytes(in, "BigInteger");
            if (bytes.length == 0) {
                throw new CodecException("malformed BigInteger: zero length (zero is one byte, 0x00)");
            }
            if (bytes.length > 1 && ((bytes[0] == 0 && bytes[1] >= 0) || (bytes[0] == -1 && bytes[1] < 0))) {
                throw new CodecException("malformed BigInteger: " + bytes.length
                        + " bytes with a redundant leading sign byte (not the minimal two's complement form)");
            }
            return new BigInteger(bytes);
        }
    }

    /** UUID: the most significant long, then the least significant, eight bytes each. */
    static final class UuidCodec implements Codec<UUID> {
        @Override
        public String name() {
            return "uuid";
        }

        @Override
        public int typeId() {
            return UUID_ID;
        }

        @Override
        public Class<UUID> type() {
            return UUID.class;
        }

        @Override
        public void write(UUID value, DataOutput out) throws IOException {
            out.writeLong(value.getMostSignificantBits());
            out.writeLong(value.getLeastSignificantBits());
        }

        @Override
        public UUID read(DataInput in) throws IOException {
            long most = in.readLong();
            return new UUID(most, in.readLong());
        }
    }
}
