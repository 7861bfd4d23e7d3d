package dev.slotgrid.spi;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.EOFException;
import java.io.IOException;
import java.io.ObjectInputFilter;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * The codec registry: encodes any value it has a codec for into bytes and back, at a process
 * boundary (the serializing test transport, the network transport). Built once with
 * {@link #builder()} or {@link #defaults()}, then shared.
 *
 * <p><b>Thread-safety:</b> immutable and thread-safe; every method may be called from any number of
 * threads at once. The codec chosen for a class is cached after its first use.
 *
 * <h2>Wire form of one value</h2>
 * <pre>
 *   value   = tag payload
 *   tag     = the codec's type id, zigzag-mapped, as an unsigned LEB128 varint (1 to 5 bytes;
 *             every built-in tag is 1 byte: 0 -&gt; 0x00, -1 -&gt; 0x01, 1 -&gt; 0x02, -2 -&gt; 0x03, ...)
 *   payload = what the codec writes; nothing for null
 *   length  = unsigned LEB128 varint (1 to 5 bytes), never more than maxBytes
 * </pre>
 * The registry adds no frame and no total length: a value is self-delimiting because every codec's
 * payload is. Varints are decoded strictly (no overlong form), so no value has two encodings.
 *
 * <h2>Type ids</h2>
 * Positive ids are the users'. Zero and the negative ids are SlotGrid's, stable for ever:
 * <table>
 *   <caption>Built-in type ids and payloads</caption>
 *   <tr><th>id</th><th>type</th><th>codec name</th><th>payload</th></tr>
 *   <tr><td>0</td><td>{@code null}</td><td>-</td><td>none</td></tr>
 *   <tr><td>-1</td><td>{@code String}</td><td>string</td><td>length, UTF-8 bytes (strict; no 64 KiB limit)</td></tr>
 *   <tr><td>-2</td><td>{@code byte[]}</td><td>bytes</td><td>length, bytes</td></tr>
 *   <tr><td>-3</td><td>{@code Integer}</td><td>int</td><td>4 bytes big-endian</td></tr>
 *   <tr><td>-4</td><td>{@code Long}</td><td>long</td><td>8 bytes big-endian</td></tr>
 *   <tr><td>-5</td><td>{@code Short}</td><td>short</td><td>2 bytes big-endian</td></tr>
 *   <tr><td>-6</td><td>{@code Byte}</td><td>byte</td><td>1 byte</td></tr>
 *   <tr><td>-7</td><td>{@code Boolean}</td><td>boolean</td><td>1 byte, 0 or 1</td></tr>
 *   <tr><td>-8</td><td>{@code Double}</td><td>double</td><td>8 bytes, {@code doubleToLongBits}</td></tr>
 *   <tr><td>-9</td><td>{@code Float}</td><td>float</td><td>4 bytes, {@code floatToIntBits}</td></tr>
 *   <tr><td>-10</td><td>{@code Character}</td><td>char</td><td>2 bytes big-endian</td></tr>
 *   <tr><td>-11</td><td>{@code BigInteger}</td><td>big-integer</td><td>length, minimal two's complement</td></tr>
 *   <tr><td>-12</td><td>{@code UUID}</td><td>uuid</td><td>most, then least significant 8 bytes</td></tr>
 *   <tr><td>-13</td><td>records implementing {@link RoutingKey}</td><td>routing-key-record</td>
 *       <td>class name (length, UTF-8), component count (varint), each component as a value</td></tr>
 *   <tr><td>-14</td><td>other {@link Serializable}</td><td>java-serialization</td>
 *       <td>length, one Java serialization stream</td></tr>
 * </table>
 *
 * <h2>Which codec encodes a value</h2>
 * For a value of class {@code C}, in order:
 * <ol>
 *   <li>{@code null}: tag 0;
 *   <li>the codec, built-in or added, whose {@link Codec#type()} is exactly {@code C};
 *   <li>the most specific registered codec whose type {@code C} is assignable to (a codec for
 *       {@code Circle} before one for {@code Shape}); two matches neither of which is more specific
 *       are an error naming both;
 *   <li>a record implementing {@link RoutingKey}: the record codec, if the allowlist admits the
 *       record class;
 *   <li>another {@link Serializable}: Java serialization, if the allowlist admits every class of the
 *       object graph;
 *   <li>otherwise a {@link CodecException} naming the class and the ways to fix it.
 * </ol>
 *
 * <h2>The allowlist</h2>
 * Records and Java serialization are how untrusted bytes make a JVM load and build classes, so both
 * pass the same allowlist, set with {@link Builder#allowSerializable(String)} (JEP 290 patterns)
 * and {@link Builder#serialFilter(ObjectInputFilter)}. With none set (as in {@link #defaults()}),
 * every class is refused. A class is allowed when some filter answers {@code ALLOWED} and none
 * {@code REJECTED}; a class every filter leaves {@code UNDECIDED} is refused (an allowlist, unlike
 * the JDK's default). Arrays, primitives and the immutable JDK value classes fields hold
 * ({@code String}, the boxed primitives, {@code Number}, {@code Enum}, {@code BigInteger},
 * {@code BigDecimal}) are allowed once any allowlist is set; collections are not ({@code
 * "java.util.ArrayList"} must be listed to travel inside a serialized value). A registry encodes
 * nothing it would refuse to decode: the writer checks the same allowlist, so the failure shows at
 * the caller. Java serialization streams are also limited to {@value SerialAllowlist#MAX_SERIAL_DEPTH}
 * levels of nesting, {@value SerialAllowlist#MAX_SERIAL_REFERENCES} references, and arrays no longer
 * than the bytes left in the stream can hold.
 *
 * <h2>Hostile input</h2>
 * Every decode failure is a {@link CodecException} whose message names what was wrong ({@code
 * "unknown type tag 99"}, {@code "truncated: expected 12 more bytes for String, 3 remain"}),
 * never an {@code ArrayIndexOutOfBoundsException}, a {@code NegativeArraySizeException} or an
 * {@code OutOfMemoryError}: lengths are checked against {@link #maxBytes()} and the bytes actually
 * left before anything is allocated, values nest at most {@value #MAX_NESTING_DEPTH} deep, and
 * every loop consumes input. A built-in codec's decode allocates at most a small multiple of the
 * input's size.
 */
public final class Codecs {

    /** The default limit on the encoded size of one value: 64 MiB. */
    public static final int DEFAULT_MAX_BYTES = 64 * 1024 * 1024;

    /** Values nested deeper than this (records inside records) are refused, encoding and decoding. */
    public static final int MAX_NESTING_DEPTH = 64;

    private final Map<Integer, Codec<?>> byId;
    private final Map<Class<?>, Codec<?>> byType;
    /** Built-in scalars and user codecs: the candidates of the supertype search. */
    private final List<Codec<?>> registered;
    /** Class → codec found by the supertype search or a fallback; only successes are cached. */
    private final ConcurrentHashMap<Class<?>, Codec<?>> resolved = new ConcurrentHashMap<>();
    private final SerialAllowlist allowlist;
    private final int maxBytes;
    private final RecordKeyCodec recordCodec;
    private final SerializableCodec serialCodec;

    private Codecs(List<Codec<?>> codecs, SerialAllowlist allowlist, ClassLoader loader, int maxBytes) {
        this.allowlist = allowlist;
        this.maxBytes = maxBytes;
        this.recordCodec = new RecordKeyCodec(this, allowlist, loader);
        this.serialCodec = new SerializableCodec(this, allowlist, loader, maxBytes);
        Map<Integer, Codec<?>> ids = new HashMap<>();
        Map<Class<?>, Codec<?>> types = new HashMap<>();
        for (Codec<?> codec : codecs) {
            ids.put(codec.typeId(), codec);
            types.put(codec.type(), codec);
        }
        ids.put(recordCodec.typeId(), recordCodec);
        ids.put(serialCodec.typeId(), serialCodec);
        this.byId = Map.copyOf(ids);
        this.byType = Map.copyOf(types);
        this.registered = List.copyOf(codecs);
    }

    /**
     * A builder with the built-in codecs, no plugin discovery, no allowlist and the default limit.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The built-in codecs plus every codec registered in {@code META-INF/services/dev.slotgrid.spi.Codec}
     * on the class path; no allowlist, so no record and no Java serialization; the default limit.
     * Cost: a class-path scan (as {@link Plugins}); build it once and keep it.
     *
     * @return a new registry
     * @throws IllegalStateException if a discovered codec cannot be loaded, or two codecs share a
     *     type id, a class or a name
     */
    public static Codecs defaults() {
        return builder().discover().build();
    }

    /**
     * The limit on the encoded size of one value, in bytes: encoding a larger value and decoding a
     * larger input are refused.
     *
     * @return the limit
     */
    public int maxBytes() {
        return maxBytes;
    }

    /**
     * Whether this registry would pick a codec for instances of {@code type} (see the class
     * comment). {@code true} does not promise that every instance encodes: a record component or
     * an object inside a serialized graph may still be refused. Cost: a map look-up once cached.
     *
     * @param type a class, not {@code null}
     * @return {@code false} for a primitive type (values arrive boxed), for a class no codec handles
     *     and for one the allowlist refuses
     * @throws NullPointerException if {@code type} is {@code null}
     */
    public boolean canEncode(Class<?> type) {
        Objects.requireNonNull(type, "type must not be null");
        return !type.isPrimitive() && lookup(type) instanceof Codec<?>;
    }

    /**
     * Encodes one value: its tag, then its codec's payload.
     *
     * @param value the value, may be {@code null}
     * @return a new array, at most {@link #maxBytes()} long
     * @throws CodecException if no codec handles the value's class (or a component's), the
     *     allowlist refuses a class, the encoding would exceed {@link #maxBytes()}, values nest
     *     deeper than {@value #MAX_NESTING_DEPTH}, or a codec fails; the message names the class
     */
    public byte[] encode(Object value) {
        CodecOutput out = new CodecOutput(this, maxBytes, 32);
        writeValue(value, out);
        return out.toByteArray();
    }

    /**
     * Writes one value, as {@link #encode}, to {@code out}. The value is encoded in full first, so
     * that nothing is written when encoding fails; the cost is one copy.
     *
     * @param value the value, may be {@code null}
     * @param out the output, not {@code null}
     * @throws CodecException as {@link #encode}; nothing has been written
     * @throws UncheckedIOException if {@code out} fails
     * @throws NullPointerException if {@code out} is {@code null}
     */
    public void write(Object value, DataOutput out) {
        Objects.requireNonNull(out, "out must not be null");
        if (out instanceof CodecOutput nested && nested.owner == this) {
            writeValue(value, nested);
            return;
        }
        byte[] bytes = encode(value);
        try {
            out.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("writing an encoded " + typeName(value) + " of " + bytes.length
                    + " bytes failed: " + e.getMessage(), e);
        }
    }

    /**
     * Decodes one value that fills {@code bytes} exactly.
     *
     * @param bytes an encoding, not {@code null}; may be hostile
     * @return the value, may be {@code null}
     * @throws CodecException if the bytes are malformed: truncated, an unknown tag, an impossible
     *     length, trailing bytes, a refused class, more than {@link #maxBytes()}
     * @throws NullPointerException if {@code bytes} is {@code null}
     */
    public Object decode(byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes must not be null");
        return decode(bytes, 0, bytes.length);
    }

    /**
     * Decodes one value that fills {@code bytes[offset, offset + length)} exactly.
     *
     * @param bytes the array, not {@code null}
     * @param offset where the encoding starts
     * @param length its length in bytes
     * @return the value, may be {@code null}
     * @throws CodecException as {@link #decode(byte[])}
     * @throws IndexOutOfBoundsException if the range is not inside {@code bytes}
     * @throws NullPointerException if {@code bytes} is {@code null}
     */
    public Object decode(byte[] bytes, int offset, int length) {
        Objects.requireNonNull(bytes, "bytes must not be null");
        Objects.checkFromIndexSize(offset, length, bytes.length);
        if (length > maxBytes) {
            throw new CodecException("input of " + length + " bytes exceeds the limit of " + maxBytes
                    + " bytes (Codecs.Builder.maxBytes)");
        }
        CodecInput in = CodecInput.overArray(this, maxBytes, bytes, offset, length);
        Object value = readValue(in);
        if (in.remaining() > 0) {
            throw new CodecException("malformed input: " + in.remaining() + " trailing bytes after a complete "
                    + typeName(value) + " at offset " + in.position() + " of " + length);
        }
        return value;
    }

    /**
     * Reads one value from {@code in}, consuming exactly its bytes, so that values written back to
     * back read back one by one. At most {@link #maxBytes()} bytes are consumed; a length field is
     * checked before anything is allocated for it and a stream is read in chunks.
     *
     * @param in the input, not {@code null}; may be hostile
     * @return the value, may be {@code null}
     * @throws CodecException if the input is malformed or ends inside the value (or before it); how
     *     much of {@code in} was consumed is then unspecified
     * @throws UncheckedIOException if {@code in} fails for another reason than its end
     * @throws NullPointerException if {@code in} is {@code null}
     */
    public Object read(DataInput in) {
        Objects.requireNonNull(in, "in must not be null");
        return readNested(in);
    }

    // ---- helpers for codec authors ----

    /**
     * Writes a length field as the built-in codecs do: an unsigned varint, 1 to 5 bytes.
     *
     * @param out the output
     * @param length the length, not negative
     * @throws IOException if {@code out} fails
     * @throws IllegalArgumentException if {@code length} is negative
     */
    public static void writeLength(DataOutput out, int length) throws IOException {
        if (length < 0) {
            throw new IllegalArgumentException("length must not be negative: " + length);
        }
        Varint.writeUnsigned(out, length);
    }

    /**
     * Reads a length field written by {@link #writeLength} and checks it before the caller
     * allocates anything: against the registry's {@link #maxBytes()} (or {@link #DEFAULT_MAX_BYTES}
     * outside a registry) and, when the input is a byte array, against the bytes left.
     *
     * @param in the input a registry handed to {@link Codec#read}
     * @param what what the length is of, for the message, for example {@code "String"}
     * @return the length, in {@code [0, maxBytes]}
     * @throws CodecException if the length is malformed, over the limit ({@code "String of 99999999
     *     bytes exceeds the limit ..."}) or more than the bytes left ({@code "truncated: expected 12
     *     more bytes for String, 3 remain"})
     * @throws EOFException if the input ends inside the length
     * @throws IOException if {@code in} fails
     */
    public static int readLength(DataInput in, String what) throws IOException {
        Objects.requireNonNull(in, "in must not be null");
        Objects.requireNonNull(what, "what must not be null");
        int length = Varint.readUnsigned(in, "length of " + what);
        if (length < 0) {
            throw new CodecException("malformed length of " + what + ": " + Integer.toUnsignedString(length)
                    + " does not fit in a non-negative int");
        }
        if (in instanceof CodecInput input) {
            input.checkLength(length, what);
        } else if (length > DEFAULT_MAX_BYTES) {
            throw new CodecException(what + " of " + length + " bytes exceeds the limit of " + DEFAULT_MAX_BYTES
                    + " bytes (Codecs.DEFAULT_MAX_BYTES)");
        }
        return length;
    }

    /**
     * Reads a length field, as {@link #readLength}, then that many bytes. Over a stream the bytes
     * are read in chunks, so that what is allocated grows with what arrives.
     *
     * @param in the input a registry handed to {@link Codec#read}
     * @param what what the bytes are, for the message
     * @return the bytes
     * @throws CodecException as {@link #readLength}
     * @throws EOFException if the input ends early
     * @throws IOException if {@code in} fails
     */
    public static byte[] readBytes(DataInput in, String what) throws IOException {
        return CodecInput.readBytes(in, readLength(in, what));
    }

    // ---- the value loop ----

    /** Writes a value, tag and payload, straight into {@code out} (a component of a record, say). */
    void writeNested(Object value, DataOutput out) throws IOException {
        if (out instanceof CodecOutput nested && nested.owner == this) {
            writeValue(value, nested);
        } else {
            out.write(encode(value));
        }
    }

    /** Reads a value from {@code in}, wrapping it in a {@link CodecInput} unless it is one of this registry's. */
    Object readNested(DataInput in) {
        CodecInput input = in instanceof CodecInput own && own.owner == this ? own
                : CodecInput.overStream(this, maxBytes, in);
        return readValue(input);
    }

    private void writeValue(Object value, CodecOutput out) {
        if (value == null) {
            writeTag(out, BuiltInCodecs.NULL);
            return;
        }
        Class<?> type = value.getClass();
        Object found = lookup(type);
        if (!(found instanceof Codec<?>)) {
            throw new CodecException((String) found);
        }
        @SuppressWarnings("unchecked")
        Codec<Object> codec = (Codec<Object>) found;
        if (out.depth >= MAX_NESTING_DEPTH) {
            throw new CodecException("cannot encode a " + type.getTypeName() + ": values nest deeper than "
                    + MAX_NESTING_DEPTH + " (Codecs.MAX_NESTING_DEPTH); is there a cycle?");
        }
        out.depth++;
        try {
            writeTag(out, codec.typeId());
            codec.write(value, out);
        } catch (CodecException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new CodecException("codec '" + codec.name() + "' (type id " + codec.typeId() + ", "
                    + codec.getClass().getName() + ") failed to encode a " + type.getTypeName() + ": " + e, e);
        } finally {
            out.depth--;
        }
    }

    private static void writeTag(CodecOutput out, int typeId) {
        try {
            Varint.writeSigned(out, typeId);
        } catch (IOException e) {
            throw new AssertionError("a CodecOutput never throws IOException", e);
        }
    }

    private Object readValue(CodecInput in) {
        int tag;
        try {
            tag = Varint.readSigned(in, "type tag");
        } catch (EOFException e) {
            throw new CodecException("truncated: " + (in.position() == 0 && in.depth == 0 ? "no type tag (empty input)"
                    : "the input ends before a type tag"), e);
        } catch (IOException e) {
            throw new CodecException("malformed type tag: " + e, e);
        }
        if (tag == BuiltInCodecs.NULL) {
            return null;
        }
        Codec<?> codec = byId.get(tag);
        if (codec == null) {
            throw new CodecException("unknown type tag " + tag + ": no codec of this registry has that type id "
                    + "(garbage, or a codec registered on the writer's side only); known ids: "
                    + new TreeMap<>(byId).keySet());
        }
        if (in.depth >= MAX_NESTING_DEPTH) {
            throw new CodecException("malformed input: values nest deeper than " + MAX_NESTING_DEPTH
                    + " (Codecs.MAX_NESTING_DEPTH)");
        }
        in.depth++;
        try {
            Object value = codec.read(in);
            if (value == null) {
                throw new CodecException("codec " + describe(codec) + " read null; a codec must never return null");
            }
            if (!codec.type().isInstance(value)) {
                throw new CodecException("codec " + describe(codec) + " read a " + value.getClass().getTypeName()
                        + ", not a " + codec.type().getTypeName());
            }
            return value;
        } catch (CodecException | CodecInput.InputFailure e) {
            throw e;
        } catch (EOFException e) {
            throw new CodecException("truncated: the input ends inside a " + codec.type().getTypeName()
                    + " (type tag " + tag + ", codec '" + codec.name() + "')"
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()), e);
        } catch (IOException | RuntimeException e) {
            throw new CodecException("malformed " + codec.type().getTypeName() + " (type tag " + tag + ", codec '"
                    + codec.name() + "'): " + e, e);
        } finally {
            in.depth--;
        }
    }

    /** The codec for {@code type}, or why there is none. */
    private Object lookup(Class<?> type) {
        Codec<?> codec = byType.get(type);
        if (codec == null) {
            codec = resolved.get(type);
        }
        if (codec != null) {
            return codec;
        }
        Object found = search(type);
        if (found instanceof Codec<?> match) {
            resolved.putIfAbsent(type, match);
        }
        return found;
    }

    private Object search(Class<?> type) {
        List<Codec<?>> matches = new ArrayList<>();
        for (Codec<?> codec : registered) {
            if (codec.type().isAssignableFrom(type)) {
                matches.add(codec);
            }
        }
        List<Codec<?>> mostSpecific = new ArrayList<>();
        for (Codec<?> match : matches) {
            boolean lessSpecific = false;
            for (Codec<?> other : matches) {
                lessSpecific |= other != match && match.type().isAssignableFrom(other.type());
            }
            if (!lessSpecific) {
                mostSpecific.add(match);
            }
        }
        if (mostSpecific.size() == 1) {
            return mostSpecific.get(0);
        }
        if (mostSpecific.size() > 1) {
            return "cannot encode a " + type.getTypeName() + ": codecs "
                    + mostSpecific.stream().map(Codecs::describe).collect(Collectors.joining(" and "))
                    + " all match it and none is more specific; register a codec for " + type.getTypeName()
                    + " itself";
        }
        if (RecordKeyCodec.handles(type)) {
            String refused = allowlist.refusalOfClass(type);
            return refused == null ? recordCodec : "cannot encode record " + type.getTypeName() + ": " + refused;
        }
        if (Serializable.class.isAssignableFrom(type)) {
            String refused = allowlist.refusalOfSerializedClass(type);
            return refused == null ? serialCodec
                    : "cannot encode a " + type.getTypeName() + ": no codec handles it and Java serialization refuses it: "
                            + refused;
        }
        return "cannot encode a " + type.getTypeName() + ": no codec handles it and it is not Serializable; to fix it, "
                + "register a Codec for it (Codecs.builder().add(codec), or list it in "
                + "META-INF/services/dev.slotgrid.spi.Codec and call discover()), or make it Serializable and "
                + "allowlist it (Codecs.builder().allowSerializable(\"" + type.getName() + "\"))";
    }

    private static String describe(Codec<?> codec) {
        return "'" + codec.name() + "' (type id " + codec.typeId() + ", " + codec.type().getTypeName() + ")";
    }

    private static String typeName(Object value) {
        return value == null ? "null" : value.getClass().getTypeName();
    }

    @Override
    public String toString() {
        return "Codecs{codecs=" + new TreeMap<>(byId).values().stream().map(c -> c.name() + "(" + c.typeId() + ")")
                .collect(Collectors.joining(", ", "[", "]")) + ", allowlist=" + allowlist.describe() + ", maxBytes="
                + maxBytes + "}";
    }

    /**
     * Configures a {@link Codecs} registry. Not thread-safe: configure on one thread, then
     * {@link #build()} and share the registry.
     */
    public static final class Builder {

        /** A codec and where it came from, for the messages. */
        private record Entry(Codec<?> codec, String source) {
        }

        private final List<Entry> added = new ArrayList<>();
        private final List<SerialAllowlist.Named> filters = new ArrayList<>();
        private boolean discover;
        private int maxBytes = DEFAULT_MAX_BYTES;
        private ClassLoader classLoader;

        private Builder() {
        }

        /**
         * Adds a codec.
         *
         * @param codec the codec, not {@code null}, with a positive type id, a non-blank name and a
         *     non-primitive type
         * @return this builder
         * @throws NullPointerException if {@code codec} is {@code null}
         * @throws IllegalArgumentException if its id is not positive, or its name or type is
         *     missing; the message names the codec
         */
        public Builder add(Codec<?> codec) {
            Objects.requireNonNull(codec, "codec must not be null");
            String problem = problemOf(codec);
            if (problem != null) {
                throw new IllegalArgumentException(problem);
            }
            added.add(new Entry(codec, "added"));
            return this;
        }

        /**
         * Also registers, at {@link #build()}, every codec listed in
         * {@code META-INF/services/dev.slotgrid.spi.Codec}, found through {@link ServiceLoader} with
         * the {@linkplain #classLoader class loader} (by default the thread's context class
         * loader), as {@link Plugins} finds plugins. Cost: a class-path scan at build.
         *
         * @return this builder
         */
        public Builder discover() {
            this.discover = true;
            return this;
        }

        /**
         * Allows the classes a JEP 290 pattern allows through Java serialization and the
         * {@link RoutingKey} record codec, for example {@code "com.acme.model.*"} (a package),
         * {@code "com.acme.model.**"} (and its subpackages), {@code "com.acme.Order;com.acme.Line"}
         * or {@code "java.util.ArrayList"}. See {@link ObjectInputFilter.Config#createFilter}. A
         * pattern may also reject ({@code "!com.acme.Secret"}) and set limits ({@code
         * "maxdepth=20"}), which then apply as well. Each call adds one filter; a class is allowed
         * if some filter allows it and none rejects it.
         *
         * @param jep290Pattern the pattern, not {@code null} or blank
         * @return this builder
         * @throws NullPointerException if the pattern is {@code null}
         * @throws IllegalArgumentException if it is blank or malformed; the message names it
         */
        public Builder allowSerializable(String jep290Pattern) {
            Objects.requireNonNull(jep290Pattern, "allowSerializable pattern must not be null");
            if (jep290Pattern.isBlank()) {
                throw new IllegalArgumentException("allowSerializable pattern must not be blank");
            }
            ObjectInputFilter filter;
            try {
                filter = ObjectInputFilter.Config.createFilter(jep290Pattern);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("allowSerializable pattern \"" + jep290Pattern + "\" is malformed: "
                        + e.getMessage(), e);
            }
            filters.add(new SerialAllowlist.Named("pattern \"" + jep290Pattern + "\"", filter));
            return this;
        }

        /**
         * Adds an {@link ObjectInputFilter} to the allowlist of Java serialization and the
         * {@link RoutingKey} record codec. It is asked about every class (answer {@code ALLOWED} to
         * allow one; {@code UNDECIDED} leaves it to the other filters, and refused if none allows it)
         * and every limit check of a stream ({@code serialClass() == null}). Outside a stream (a
         * record class, a class checked while encoding) it sees a {@code FilterInfo} with array
         * length -1, depth 1, one reference and no bytes. It must be thread-safe.
         *
         * @param filter the filter, not {@code null}
         * @return this builder
         * @throws NullPointerException if {@code filter} is {@code null}
         */
        public Builder serialFilter(ObjectInputFilter filter) {
            Objects.requireNonNull(filter, "serialFilter must not be null");
            filters.add(new SerialAllowlist.Named("ObjectInputFilter " + filter, filter));
            return this;
        }

        /**
         * Sets the limit on the encoded size of one value ({@link #DEFAULT_MAX_BYTES} by default).
         *
         * @param maxBytes the limit in bytes, at least 16
         * @return this builder
         * @throws IllegalArgumentException if {@code maxBytes} is less than 16
         */
        public Builder maxBytes(int maxBytes) {
            if (maxBytes < 16) {
                throw new IllegalArgumentException("maxBytes must be at least 16: " + maxBytes);
            }
            this.maxBytes = maxBytes;
            return this;
        }

        /**
         * Sets the class loader that loads record classes and serialized classes named in the input,
         * and that {@link #discover()} scans. By default the thread's context class loader at
         * {@link #build()}, or the loader of this library if there is none.
         *
         * @param classLoader the loader, not {@code null}
         * @return this builder
         * @throws NullPointerException if {@code classLoader} is {@code null}
         */
        public Builder classLoader(ClassLoader classLoader) {
            this.classLoader = Objects.requireNonNull(classLoader, "classLoader must not be null");
            return this;
        }

        /**
         * Builds the registry: the built-in codecs, the added ones and, with {@link #discover()},
         * the discovered ones. The builder may be used again afterwards.
         *
         * @return a new immutable registry
         * @throws IllegalStateException if two codecs share a type id, a class or a name (the
         *     message names both and where each came from), or a discovered codec cannot be loaded
         *     or breaks the rules of {@link #add}
         */
        public Codecs build() {
            ClassLoader loader = classLoader != null ? classLoader : defaultLoader();
            List<Entry> entries = new ArrayList<>();
            for (Codec<?> builtIn : BuiltInCodecs.scalars()) {
                entries.add(new Entry(builtIn, "built-in"));
            }
            entries.addAll(added);
            if (discover) {
                for (Codec<?> codec : loadAll(loader)) {
                    String problem = problemOf(codec);
                    if (problem != null) {
                        throw new IllegalStateException(problem + " (found through META-INF/services/"
                                + Codec.class.getName() + ")");
                    }
                    entries.add(new Entry(codec, "META-INF/services"));
                }
            }
            Map<Integer, Entry> ids = new HashMap<>();
            Map<Class<?>, Entry> types = new HashMap<>();
            Map<String, Entry> names = new HashMap<>();
            names.put("routing-key-record", new Entry(null, "built-in"));
            names.put("java-serialization", new Entry(null, "built-in"));
            List<Codec<?>> codecs = new ArrayList<>();
            for (Entry entry : entries) {
                Codec<?> codec = entry.codec();
                Entry clash = ids.putIfAbsent(codec.typeId(), entry);
                if (clash != null) {
                    throw new IllegalStateException("two codecs have type id " + codec.typeId() + ": " + describe(clash)
                            + " and " + describe(entry) + "; a type id must be unique in a registry");
                }
                clash = types.putIfAbsent(codec.type(), entry);
                if (clash != null) {
                    throw new IllegalStateException("two codecs claim class " + codec.type().getTypeName() + ": "
                            + describe(clash) + " and " + describe(entry) + "; a registry has one codec per class");
                }
                clash = names.putIfAbsent(codec.name(), entry);
                if (clash != null) {
                    throw new IllegalStateException("two codecs are named '" + codec.name() + "': "
                            + (clash.codec() == null ? "a built-in codec" : describe(clash)) + " and " + describe(entry)
                            + "; a codec name must be unique in a registry");
                }
                codecs.add(codec);
            }
            return new Codecs(codecs, new SerialAllowlist(filters), loader, maxBytes);
        }

        private static String describe(Entry entry) {
            Codec<?> codec = entry.codec();
            return "'" + codec.name() + "' (" + codec.getClass().getName() + ", type id " + codec.typeId() + ", "
                    + entry.source() + ")";
        }

        private static String problemOf(Codec<?> codec) {
            String name = codec.name();
            String who = "codec " + (name == null ? "" : "'" + name + "' ") + "(" + codec.getClass().getName() + ")";
            if (name == null || name.isBlank()) {
                return who + " has a " + (name == null ? "null" : "blank") + " name";
            }
            if (codec.typeId() <= 0) {
                return who + " has type id " + codec.typeId() + "; ids 0 and below are reserved by SlotGrid "
                        + "(0 for null, negative ids for the built-in codecs): use a positive id";
            }
            Class<?> type = codec.type();
            if (type == null) {
                return who + " has a null type()";
            }
            if (type.isPrimitive()) {
                return who + " claims the primitive type " + type + "; values arrive boxed: claim "
                        + "the wrapper class";
            }
            return null;
        }

        private static ClassLoader defaultLoader() {
            ClassLoader loader = Thread.currentThread().getContextClassLoader();
            if (loader == null) {
                loader = Codecs.class.getClassLoader();
            }
            return loader != null ? loader : ClassLoader.getSystemClassLoader();
        }

        private static List<Codec<?>> loadAll(ClassLoader loader) {
            List<Codec<?>> codecs = new ArrayList<>();
            try {
                for (Object codec : ServiceLoader.load(Codec.class, loader)) {
                    codecs.add((Codec<?>) codec);
                }
            } catch (ServiceConfigurationError e) {
                throw new IllegalStateException("a Codec plugin could not be loaded: " + e.getMessage(), e);
            }
            return codecs;
        }
    }
}
