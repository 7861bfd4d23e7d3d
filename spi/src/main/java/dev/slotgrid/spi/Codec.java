package dev.slotgrid.spi;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Turns values of one type into bytes and back, at a process boundary: the serializing test
 * transport now, the network transport later. A codec is used through a {@link Codecs} registry,
 * which writes the codec's {@link #typeId()} as a tag before the codec's payload and, when reading,
 * picks the codec by that tag.
 *
 * <p>Registered with {@link Codecs.Builder#add(Codec)} or found through
 * {@link java.util.ServiceLoader} ({@code META-INF/services/dev.slotgrid.spi.Codec}, with
 * {@link Codecs.Builder#discover()} or {@link Codecs#defaults()}), as Hazelcast's
 * {@code StreamSerializer} is.
 *
 * <p>Contract for implementations:
 * <ul>
 *   <li><b>thread-safe and stateless</b>: one instance encodes and decodes on every thread at once;
 *   <li><b>never sees {@code null}</b>: the registry encodes {@code null} under its own tag and never
 *       hands it to a codec; {@link #read} must never return {@code null};
 *   <li><b>deterministic</b>: equal values give equal bytes, in every JVM, in every release (stored
 *       and migrated data may be compared by its bytes);
 *   <li><b>self-delimiting</b>: the registry frames nothing, so {@link #read} must consume exactly
 *       the bytes {@link #write} produced and no more; a value of variable size writes its length
 *       (or a terminator) first. Two values written back to back must read back as two;
 *   <li><b>hostile input</b>: {@link #read} must reject malformed input with an exception (an
 *       {@link IOException}, a {@link CodecException} or another {@link RuntimeException}; the
 *       registry turns each into a {@link CodecException} naming this codec), and must never loop
 *       without consuming input or allocate in proportion to a length field it has not validated.
 *       Read lengths with {@link Codecs#readLength(DataInput, String)}, which checks them against
 *       the registry's {@link Codecs#maxBytes() limit} and the bytes actually left;
 *   <li>cheap: it runs on every operation that crosses a process boundary.
 * </ul>
 *
 * <p>Type ids: user codecs use positive ids ({@code >= 1}); zero and the negative ids are reserved
 * by SlotGrid for {@code null} and the built-in codecs (listed in {@link Codecs}). Two codecs with
 * one id in one registry, or two codecs claiming one class, are an error when the registry is built.
 * An id is part of the wire format: never change or reuse it once data has been written with it.
 *
 * @param <T> the type this codec encodes
 */
public interface Codec<T> extends Plugin {

    /**
     * The tag written before every value this codec encodes. Stable for ever, unique in a registry;
     * positive for user codecs.
     *
     * @return the type id
     */
    int typeId();

    /**
     * The class this codec encodes. A codec may claim an interface or a superclass: the registry
     * picks, for a value's class, the codec of exactly that class if there is one, otherwise the
     * most specific registered codec whose type the class is assignable to.
     *
     * @return the encoded class, never {@code null}; never a primitive type
     */
    Class<T> type();

    /**
     * Writes the payload of one value: the bytes after the tag, self-delimiting.
     *
     * @param value the value, never {@code null}, an instance of {@link #type()}
     * @param out the output; write to it only (never close or flush it)
     * @throws IOException if {@code out} fails
     */
    void write(T value, DataOutput out) throws IOException;

    /**
     * Reads the payload of one value written by {@link #write}, consuming exactly its bytes.
     *
     * @param in the input, positioned after the tag; the bytes may be hostile
     * @return the value, never {@code null}; an instance of {@link #type()}
     * @throws IOException if the input is malformed or ends early ({@link java.io.EOFException})
     */
    T read(DataInput in) throws IOException;
}
