package dev.slotgrid.spi;

import java.io.ObjectInputFilter;
import java.io.Serializable;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which classes a registry lets through the Java serialization fallback and the
 * {@link RoutingKey} record codec: the user's JEP 290 patterns and {@link ObjectInputFilter}s, as an
 * allowlist, plus the limits that keep a hostile stream from exhausting memory.
 *
 * <p>Decision for a class (the same when encoding, decoding and for a record class):
 * <ol>
 *   <li>no pattern and no filter set: refused, every class;
 *   <li>any user filter answers {@code REJECTED}: refused (a pattern's {@code !name} or limits);
 *   <li>any user filter answers {@code ALLOWED}: allowed;
 *   <li>an array or primitive type: allowed (an array runs no code; its elements are checked one by one, its
 *       length by {@link StreamFilter});
 *   <li>one of the {@linkplain #BASELINE immutable JDK value classes} that allowed classes' fields
 *       hold: allowed;
 *   <li>otherwise ({@code UNDECIDED} everywhere): refused. The JDK would allow it; an allowlist
 *       must not.
 * </ol>
 * Immutable and thread-safe; a {@link StreamFilter} is made per stream and is not.
 */
final class SerialAllowlist {

    /** Objects nested deeper than this in one Java serialization stream are refused. */
    static final long MAX_SERIAL_DEPTH = 128;
    /** More object references than this in one Java serialization stream are refused. */
    static final long MAX_SERIAL_REFERENCES = 1_000_000;
    /**
     * Slack on the array-length bound, for what the stream reads ahead in block mode and for
     * collections that size a table above their element count ({@code HashMap}).
     */
    private static final long ARRAY_SLACK = 4096;

    /** Allowed once any allowlist is set: immutable, final JDK value classes (and their supertypes' descriptors). */
    static final Set<Class<?>> BASELINE = Set.of(Number.class, Enum.class, Boolean.class, Byte.class, Short.class,
            Character.class, Integer.class, Long.class, Float.class, Double.class, String.class, BigInteger.class,
            BigDecimal.class);

    /** A user filter and how to name it in a message. */
    record Named(String description, ObjectInputFilter filter) {
    }

    private final List<Named> filters;

    SerialAllowlist(List<Named> filters) {
        this.filters = List.copyOf(filters);
    }

    boolean configured() {
        return !filters.isEmpty();
    }

    /**
     * Checks one filter call (a class, or limits only when its class is {@code null}).
     *
     * @return {@code null} if allowed (or, for a limits-only call, not refused), else why not
     */
    String refusal(ObjectInputFilter.FilterInfo info) {
        Class<?> type = info.serialClass();
        boolean allowed = false;
        for (Named named : filters) {
            ObjectInputFilter.Status status = named.filter().checkInput(info);
            if (status == ObjectInputFilter.Status.REJECTED) {
                return (type == null ? "the Java serialization stream" : "class " + type.getTypeName())
                        + " is refused by the serial filter " + named.description()
                        + (type == null ? " (a limit it sets)" : "; to allow it, change that filter");
            }
            allowed |= status == ObjectInputFilter.Status.ALLOWED;
        }
        if (type == null || allowed) {
            return null;
        }
        if (!configured()) {
            return "class " + type.getTypeName() + " is refused: this registry allows no class (no allowlist set); "
                    + howToAllow(type);
        }
        if (type.isArray() || type.isPrimitive() || BASELINE.contains(type)) {
            return null;
        }
        return "class " + type.getTypeName() + " is refused: it is not in the allowlist " + describe() + "; "
                + howToAllow(type);
    }

    /** {@link #refusal(ObjectInputFilter.FilterInfo)} for one class, outside any stream. */
    String refusalOfClass(Class<?> type) {
        return refusal(new ClassCheck(type));
    }

    /**
     * Checks every class whose descriptor a Java serialization of an instance of {@code type}
     * writes, as the reader's filter will see them: the class and its serializable superclasses,
     * or an enum's declaring class and {@code java.lang.Enum}.
     *
     * @return {@code null} if all are allowed, else why the first refused one is not
     */
    String refusalOfSerializedClass(Class<?> type) {
        if (type == String.class) {
            return null;
        }
        if (Enum.class.isAssignableFrom(type) && type != Enum.class) {
            Class<?> declaring = type;
            while (declaring.getSuperclass() != Enum.class) {
                declaring = declaring.getSuperclass();
            }
            String refused = refusalOfClass(declaring);
            return refused != null ? refused : refusalOfClass(Enum.class);
        }
        for (Class<?> k = type; k != null && Serializable.class.isAssignableFrom(k); k = k.getSuperclass()) {
            String refused = refusalOfClass(k);
            if (refused != null) {
                return refused;
            }
        }
        return null;
    }

    /** A filter for one stream of {@code payloadLength} bytes, which remembers why it refused. */
    StreamFilter streamFilter(long payloadLength) {
        return new StreamFilter(this, payloadLength);
    }

    String describe() {
        if (filters.isEmpty()) {
            return "(none)";
        }
        return filters.stream().map(Named::description).collect(Collectors.joining(", ", "[", "]"));
    }

    static String howToAllow(Class<?> type) {
        Class<?> element = type;
        while (element.isArray()) {
            element = element.getComponentType();
        }
        String pkg = element.getPackageName();
        return "to allow it, build the registry with Codecs.builder().allowSerializable(\"" + element.getName() + "\")"
                + (pkg.isEmpty() ? "" : " (or a package pattern such as \"" + pkg + ".*\")")
                + ", or register a Codec for it";
    }

    /** The filter of one Java serialization stream: limits, then the allowlist; keeps the first refusal. */
    static final class StreamFilter implements ObjectInputFilter {

        private final SerialAllowlist allowlist;
        private final long payloadLength;
        private String refusal;

        StreamFilter(SerialAllowlist allowlist, long payloadLength) {
            this.allowlist = allowlist;
            this.payloadLength = payloadLength;
        }

        /** Why this filter refused, or {@code null} if it has not. */
        String refusal() {
            return refusal;
        }

        @Override
        public Status checkInput(FilterInfo info) {
            if (info.depth() > MAX_SERIAL_DEPTH) {
                return refuse("the Java serialization stream nests objects deeper than " + MAX_SERIAL_DEPTH);
            }
            if (info.references() > MAX_SERIAL_REFERENCES) {
                return refuse("the Java serialization stream holds more than " + MAX_SERIAL_REFERENCES
                        + " object references");
            }
            Class<?> type = info.serialClass();
            if (type != null && type.isArray() && info.arrayLength() >= 0) {
                long left = Math.max(0, payloadLength - info.streamBytes());
                Class<?> component = type.getComponentType();
                long limit = component.isPrimitive() ? left / primitiveBytes(component) + ARRAY_SLACK
                        : 2 * left + ARRAY_SLACK;
                if (info.arrayLength() > limit) {
                    return refuse("the Java serialization stream declares an array " + type.getTypeName() + " of "
                            + info.arrayLength() + " elements, more than the " + left
                            + " bytes left in it can hold (limit " + limit + ")");
                }
            }
            String refused = allowlist.refusal(info);
            if (refused != null) {
                return refuse(refused);
            }
            return type == null ? Status.UNDECIDED : Status.ALLOWED;
        }

        /** Records {@code why} as this stream's refusal, unless one is recorded already. */
        Status refuse(String why) {
            if (refusal == null) {
                refusal = why;
            }
            return Status.REJECTED;
        }

        private static int primitiveBytes(Class<?> primitive) {
            if (primitive == long.class || primitive == double.class) {
                return 8;
            }
            if (primitive == int.class || primitive == float.class) {
                return 4;
            }
            if (primitive == short.class || primitive == char.class) {
                return 2;
            }
            return 1;
        }
    }

    /** A class checked outside a stream: no array length, depth 1, one reference, no bytes read. */
    private record ClassCheck(Class<?> serialClass) implements ObjectInputFilter.FilterInfo {
        @Override
        public long arrayLength() {
            return -1;
        }

        @Override
        public long depth() {
            return 1;
        }

        @Override
        public long references() {
            return 1;
        }

        @Override
        public long streamBytes() {
            return 0;
        }
    }
}
