package dev.slotgrid.spi;

import java.io.ByteArrayInputStream;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.io.InputStream;
import java.io.InvalidClassException;
import java.io.NotSerializableException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.ObjectStreamException;
import java.io.OutputStream;
import java.io.Serializable;

/**
 * The fallback for {@link Serializable} values no other codec takes (type id
 * {@value BuiltInCodecs#JAVA_SERIALIZATION}): Java serialization, held behind an allowlist.
 *
 * <p>Payload: varint length, then one Java serialization stream holding exactly one object.
 *
 * <p>Decoding reads the stream only through an {@link ObjectInputStream} whose
 * {@link java.io.ObjectInputFilter} (JEP 290) is a {@link SerialAllowlist.StreamFilter}: every class
 * descriptor must pass the allowlist, and depth, references and array lengths are limited (an array
 * may declare no more elements than the bytes left in the stream can hold, so a few hostile bytes
 * cannot allocate gigabytes). Classes are also checked as they are resolved, so that the allowlist
 * holds even if a JVM-wide filter factory replaced the stream's filter; dynamic proxies are refused.
 * A refusal is a {@link CodecException} naming the class and how to allow it.
 *
 * <p>Encoding checks every object of the graph against the same allowlist as it is written
 * ({@link ObjectOutputStream#replaceObject}), so a registry encodes nothing it would refuse to
 * decode, and the failure names the class at the writer.
 *
 * <p>Thread-safe and stateless. Cost: that of Java serialization, several times a codec's; register
 * a {@link Codec} for a type that travels often.
 */
final class SerializableCodec implements Codec<Serializable> {

    private final Codecs codecs;
    private final SerialAllowlist allowlist;
    private final ClassLoader loader;
    private final int maxBytes;

    SerializableCodec(Codecs codecs, SerialAllowlist allowlist, ClassLoader loader, int maxBytes) {
        this.codecs = codecs;
        this.allowlist = allowlist;
        this.loader = loader;
        this.maxBytes = maxBytes;
    }

    @Override
    public String name() {
        return "java-serialization";
    }

    @Override
    public int typeId() {
        return BuiltInCodecs.JAVA_SERIALIZATION;
    }

    @Override
    public Class<Serializable> type() {
        return Serializable.class;
    }

    @Override
    public void write(Serializable value, DataOutput out) throws IOException {
        Class<?> type = value.getClass();
        CodecOutput buffer = new CodecOutput(codecs, maxBytes, 256);
        try (CheckingOutput stream = new CheckingOutput(buffer, allowlist, type)) {
            stream.writeObject(value);
        } catch (NotSerializableException e) {
            throw new CodecException("cannot encode a " + type.getTypeName() + " through Java serialization: its object graph holds a "
                    + e.getMessage() + ", which is not Serializable; mark that field transient, make its class "
                    + "Serializable (and allowlist it), or register a Codec for " + type.getTypeName(), e);
        } catch (IOException e) {
            throw new CodecException("cannot encode a " + type.getTypeName() + " through Java serialization: " + e, e);
        }
        Codecs.writeLength(out, buffer.size());
        buffer.writeTo(out);
    }

    @Override
    public Serializable read(DataInput in) throws IOException {
        int length = Codecs.readLength(in, "Java serialization stream");
        byte[] bytes = CodecInput.readBytes(in, length);
        SerialAllowlist.StreamFilter filter = allowlist.streamFilter(length);
        ByteArrayInputStream source = new ByteArrayInputStream(bytes);
        Object value;
        try (FilteredInput stream = new FilteredInput(source, filter, allowlist, loader)) {
            value = stream.readObject();
        } catch (ClassNotFoundException e) {
            throw refusedOr(filter, "class " + e.getMessage() + " named in a Java serialization stream cannot be loaded; "
                    + "is it on this side's class path?", e);
        } catch (IOException | RuntimeException e) {
            throw refusedOr(filter, "malformed Java serialization stream of " + length + " bytes: " + e, e);
        }
        if (source.available() > 0) {
            throw new CodecException("malformed Java serialization stream: " + source.available()
                    + " trailing bytes after its object, in " + length + " bytes");
        }
        if (value == null) {
            throw new CodecException("malformed Java serialization stream: it holds null, which has its own type tag ("
                    + BuiltInCodecs.NULL + ")");
        }
        return (Serializable) value;
    }

    private static CodecException refusedOr(SerialAllowlist.StreamFilter filter, String malformed, Exception e) {
        String refused = filter.refusal();
        return new CodecException(refused != null ? "cannot decode a Java-serialized value: " + refused : malformed, e);
    }

    /** Writes a graph, refusing as it goes every object whose class the reader's allowlist would refuse. */
    private static final class CheckingOutput extends ObjectOutputStream {

        private final SerialAllowlist allowlist;
        private final Class<?> top;
        private boolean failed;

        CheckingOutput(OutputStream out, SerialAllowlist allowlist, Class<?> top) throws IOException {
            super(out);
            this.allowlist = allowlist;
            this.top = top;
            enableReplaceObject(true);
        }

        @Override
        protected Object replaceObject(Object obj) {
            if (!(obj instanceof Serializable)) {
                return obj; // the stream refuses it next, with NotSerializableException naming the class
            }
            if (failed || obj instanceof ObjectStreamException) {
                // The stream is recording its own failure (writeFatalException writes the exception's
                // graph); the buffer is discarded. The reader's allowlist still decides on any input.
                failed = true;
                return obj;
            }
            String refused = allowlist.refusalOfSerializedClass(obj.getClass());
            if (refused != null) {
                throw new CodecException("cannot encode a " + top.getTypeName() + " through Java serialization: " + refused);
            }
            return obj;
        }
    }

    /**
     * The only way this codec reads a stream: the stream filter set before any object is read,
     * classes resolved through the registry's class loader and checked again as they resolve.
     */
    private static final class FilteredInput extends ObjectInputStream {

        private final SerialAllowlist.StreamFilter filter;
        private final SerialAllowlist allowlist;
        private final ClassLoader loader;

        FilteredInput(InputStream in, SerialAllowlist.StreamFilter filter, SerialAllowlist allowlist, ClassLoader loader)
                throws IOException {
            super(in);
            this.filter = filter;
            this.allowlist = allowlist;
            this.loader = loader;
            setObjectInputFilter(filter);
        }

        @Override
        protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
            Class<?> type;
            try {
                type = Class.forName(desc.getName(), false, loader);
            } catch (ClassNotFoundException | LinkageError e) {
                try {
                    type = super.resolveClass(desc);
                } catch (LinkageError linkage) {
                    throw new ClassNotFoundException(desc.getName(), linkage);
                }
            }
            String refused = allowlist.refusalOfClass(type);
            if (refused != null) {
                filter.refuse(refused);
                throw new InvalidClassException(desc.getName(), "refused by the allowlist");
            }
            return type;
        }

        @Override
        protected Class<?> resolveProxyClass(String[] interfaces) throws IOException {
            filter.refuse("a dynamic proxy class (interfaces " + String.join(", ", interfaces)
                    + ") is refused: the Java serialization fallback does not decode proxies");
            throw new InvalidClassException("dynamic proxy", "refused");
        }
    }
}
