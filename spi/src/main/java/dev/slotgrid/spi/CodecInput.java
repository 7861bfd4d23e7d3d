package dev.slotgrid.spi;

import java.io.DataInput;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Objects;

/**
 * The input every decode reads through: a {@link DataInput} (big-endian, as
 * {@link DataInputStream}) over either a byte array slice, whose remaining length is known, or
 * another {@code DataInput} (a stream), whose consumption it counts against the registry's
 * {@code maxBytes} per value.
 *
 * <p>Failure modes, which {@link Codecs} maps to its exceptions:
 * <ul>
 *   <li>the input ends: {@link EOFException} whose message says how many bytes were needed and,
 *       over an array, how many remained (truncation);
 *   <li>a stream value consumes more than {@code maxBytes}: {@link CodecException};
 *   <li>the underlying stream fails otherwise: {@link InputFailure}, an unchecked wrapper that lets
 *       the registry tell a broken transport from a malformed value.
 * </ul>
 *
 * <p>Not thread-safe: one instance per decode call. {@link #depth} counts the values being read
 * one inside the other, for {@link Codecs#MAX_NESTING_DEPTH}.
 */
final class CodecInput implements DataInput {

    /** Streams are read in chunks of this many bytes, so that a length field allocates no more than what arrives. */
    private static final int STREAM_CHUNK_BYTES = 64 * 1024;

    final Codecs owner;
    private final int maxBytes;
    private final DataInput stream;
    private final byte[] buf;
    private final int start;
    private int pos;
    private final int end;
    private long consumed;
    int depth;

    private CodecInput(Codecs owner, int maxBytes, DataInput stream, byte[] buf, int pos, int end) {
        this.owner = owner;
        this.maxBytes = maxBytes;
        this.stream = stream;
        this.buf = buf;
        this.start = pos;
        this.pos = pos;
        this.end = end;
    }

    static CodecInput overArray(Codecs owner, int maxBytes, byte[] bytes, int offset, int length) {
        return new CodecInput(owner, maxBytes, null, bytes, offset, offset + length);
    }

    static CodecInput overStream(Codecs owner, int maxBytes, DataInput in) {
        return new CodecInput(owner, maxBytes, in, null, 0, 0);
    }

    /** The bytes left over an array, or {@code -1} over a stream (unknown). */
    int remaining() {
        return stream == null ? end - pos : -1;
    }

    /** The bytes consumed so far: from the start of the slice over an array, of the value over a stream. */
    long position() {
        return stream == null ? pos - start : consumed;
    }

    /**
     * Checks a decoded length field before anything is allocated for it.
     *
     * @throws CodecException if it exceeds the limit or, over an array, the bytes left
     */
    void checkLength(int length, String what) {
        if (length > maxBytes) {
            throw new CodecException(what + " of " + length + " bytes exceeds the limit of " + maxBytes
                    + " bytes (Codecs.Builder.maxBytes)");
        }
        if (stream == null) {
            if (length > end - pos) {
                throw new CodecException("truncated: expected " + length + " more bytes for " + what + ", "
                        + (end - pos) + " remain");
            }
        } else if (consumed + length > maxBytes) {
            throw new CodecException(what + " of " + length + " bytes after " + consumed
                    + " bytes of this value exceeds the limit of " + maxBytes + " bytes (Codecs.Builder.maxBytes)");
        }
    }

    /**
     * Reads {@code length} bytes, a length already validated by {@link Codecs#readLength}. Over
     * anything but an array, in chunks: what is allocated grows with what arrives, never with what
     * the length field claims.
     */
    static byte[] readBytes(DataInput in, int length) throws IOException {
        if (length <= STREAM_CHUNK_BYTES || (in instanceof CodecInput input && input.stream == null)) {
            byte[] bytes = new byte[length];
            in.readFully(bytes, 0, length);
            return bytes;
        }
        byte[] bytes = new byte[STREAM_CHUNK_BYTES];
        int read = 0;
        while (read < length) {
            if (read == bytes.length) {
                bytes = java.util.Arrays.copyOf(bytes, (int) Math.min(length, 2L * bytes.length));
            }
            int chunk = Math.min(bytes.length, length) - read;
            in.readFully(bytes, read, chunk);
            read += chunk;
        }
        return bytes;
    }

    private void need(int n) throws EOFException {
        if (stream == null) {
            if (n > end - pos) {
                throw new EOFException("expected " + n + " more bytes, " + (end - pos) + " remain");
            }
        } else {
            if (consumed + n > maxBytes) {
                throw new CodecException("value exceeds the limit of " + maxBytes
                        + " bytes (Codecs.Builder.maxBytes)");
            }
            consumed += n;
        }
    }

    private static InputFailure failure(IOException e) {
        return new InputFailure(e);
    }

    @Override
    public void readFully(byte[] b) throws IOException {
        readFully(b, 0, b.length);
    }

    @Override
    public void readFully(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        need(len);
        if (stream == null) {
            System.arraycopy(buf, pos, b, off, len);
            pos += len;
            return;
        }
        try {
            stream.readFully(b, off, len);
        } catch (EOFException e) {
            throw e;
        } catch (IOException e) {
            throw failure(e);
        }
    }

    @Override
    public int skipBytes(int n) throws IOException {
        if (n <= 0) {
            return 0;
        }
        if (stream == null) {
            int skipped = Math.min(n, end - pos);
            pos += skipped;
            return skipped;
        }
        int allowed = (int) Math.min(n, maxBytes - consumed);
        try {
            int skipped = stream.skipBytes(allowed);
            consumed += Math.max(0, skipped);
            return skipped;
        } catch (EOFException e) {
            throw e;
        } catch (IOException e) {
            throw failure(e);
        }
    }

    @Override
    public boolean readBoolean() throws IOException {
        return readUnsignedByte() != 0;
    }

    @Override
    public byte readByte() throws IOException {
        return (byte) readUnsignedByte();
    }

    @Override
    public int readUnsignedByte() throws IOException {
        need(1);
        if (stream == null) {
            return buf[pos++] & 0xFF;
        }
        try {
            return stream.readUnsignedByte();
        } catch (EOFException e) {
            throw e;
        } catch (IOException e) {
            throw failure(e);
        }
    }

    @Override
    public short readShort() throws IOException {
        return (short) readUnsignedShort();
    }

    @Override
    public int readUnsignedShort() throws IOException {
        if (stream == null) {
            need(2);
            int v = ((buf[pos] & 0xFF) << 8) | (buf[pos + 1] & 0xFF);
            pos += 2;
            return v;
        }
        return (readUnsignedByte() << 8) | readUnsignedByte();
    }

    @Override
    public char readChar() throws IOException {
        return (char) readUnsignedShort();
    }

    @Override
    public int readInt() throws IOException {
        if (stream == null) {
            need(4);
            int v = ((buf[pos] & 0xFF) << 24) | ((buf[pos + 1] & 0xFF) << 16) | ((buf[pos + 2] & 0xFF) << 8)
                    | (buf[pos + 3] & 0xFF);
            pos += 4;
            return v;
        }
        return (readUnsignedShort() << 16) | readUnsignedShort();
    }

    @Override
    public long readLong() throws IOException {
        if (stream == null) {
            need(8);
        }
        return ((long) readInt() << 32) | (readInt() & 0xFFFF_FFFFL);
    }

    @Override
    public float readFloat() throws IOException {
        return Float.intBitsToFloat(readInt());
    }

    @Override
    public double readDouble() throws IOException {
        return Double.longBitsToDouble(readLong());
    }

    /** As {@link DataInputStream#readLine()}: bytes as Latin-1 up to a line terminator; bounded by the input. */
    @Override
    public String readLine() throws IOException {
        StringBuilder line = new StringBuilder();
        while (true) {
            int c;
            try {
                c = readUnsignedByte();
            } catch (EOFException e) {
                return line.length() == 0 ? null : line.toString();
            }
            if (c == '\n') {
                return line.toString();
            }
            if (c == '\r') {
                if (stream == null && pos < end && buf[pos] == '\n') {
                    pos++;
                }
                return line.toString();
            }
            line.append((char) c);
        }
    }

    @Override
    public String readUTF() throws IOException {
        return DataInputStream.readUTF(this);
    }

    /** The underlying stream failed for a reason other than its end: a transport failure, not a malformed value. */
    static final class InputFailure extends UncheckedIOException {

        private static final long serialVersionUID = 1L;

        InputFailure(IOException cause) {
            super("reading from the input failed: " + cause.getMessage(), cause);
        }
    }
}
