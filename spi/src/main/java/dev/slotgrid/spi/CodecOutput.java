package dev.slotgrid.spi;

import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Objects;

/**
 * The growable byte array every encoding is written into, a {@link DataOutput} (big-endian, as
 * {@link DataOutputStream}) that refuses to grow past a limit with a {@link CodecException}.
 * Writing to it never throws {@link IOException}.
 *
 * <p>Not thread-safe: one instance per encode call. {@link #depth} counts the values being written
 * one inside the other (a record's components), for {@link Codecs#MAX_NESTING_DEPTH}.
 */
final class CodecOutput extends OutputStream implements DataOutput {

    final Codecs owner;
    private final int maxBytes;
    private byte[] buf;
    private int size;
    int depth;

    CodecOutput(Codecs owner, int maxBytes, int initialCapacity) {
        this.owner = owner;
        this.maxBytes = maxBytes;
        this.buf = new byte[Math.min(initialCapacity, maxBytes)];
    }

    private void ensure(int more) {
        long needed = (long) size + more;
        if (needed > maxBytes) {
            throw new CodecException("encoded form exceeds the limit of " + maxBytes
                    + " bytes (Codecs.Builder.maxBytes): " + needed + " bytes needed");
        }
        if (needed > buf.length) {
            buf = Arrays.copyOf(buf, (int) Math.min(maxBytes, Math.max(needed, 2L * buf.length)));
        }
    }

    int size() {
        return size;
    }

    byte[] toByteArray() {
        return Arrays.copyOf(buf, size);
    }

    /** Copies what was written to {@code out}. */
    void writeTo(DataOutput out) throws IOException {
        out.write(buf, 0, size);
    }

    @Override
    public void write(int b) {
        ensure(1);
        buf[size++] = (byte) b;
    }

    @Override
    public void write(byte[] b) {
        write(b, 0, b.length);
    }

    @Override
    public void write(byte[] b, int off, int len) {
        Objects.checkFromIndexSize(off, len, b.length);
        ensure(len);
        System.arraycopy(b, off, buf, size, len);
        size += len;
    }

    @Override
    public void writeBoolean(boolean v) {
        write(v ? 1 : 0);
    }

    @Override
    public void writeByte(int v) {
        write(v);
    }

    @Override
    public void writeShort(int v) {
        ensure(2);
        buf[size++] = (byte) (v >>> 8);
        buf[size++] = (byte) v;
    }

    @Override
    public void writeChar(int v) {
        writeShort(v);
    }

    @Override
    public void writeInt(int v) {
        ensure(4);
        buf[size++] = (byte) (v >>> 24);
        buf[size++] = (byte) (v >>> 16);
        buf[size++] = (byte) (v >>> 8);
        buf[size++] = (byte) v;
    }

    @Override
    public void writeLong(long v) {
        writeInt((int) (v >>> 32));
        writeInt((int) v);
    }

    @Override
    public void writeFloat(float v) {
        writeInt(Float.floatToIntBits(v));
    }

    @Override
    public void writeDouble(double v) {
        writeLong(Double.doubleToLongBits(v));
    }

    @Override
    public void writeBytes(String s) {
        ensure(s.length());
        for (int i = 0; i < s.length(); i++) {
            buf[size++] = (byte) s.charAt(i);
        }
    }

    @Override
    public void writeChars(String s) {
        for (int i = 0; i < s.length(); i++) {
            writeChar(s.charAt(i));
        }
    }

    @Override
    public void writeUTF(String s) throws IOException {
        new DataOutputStream(this).writeUTF(s);
    }
}
