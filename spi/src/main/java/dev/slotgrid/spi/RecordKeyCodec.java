package dev.slotgrid.spi;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;

/**
 * The built-in codec of records that implement {@link RoutingKey} (type id
 * {@value BuiltInCodecs#ROUTING_KEY_RECORD}): the usual shape of a composite key.
 *
 * <p>Payload: the record's binary class name (varint length, UTF-8), the number of its components
 * (varint), then each component in declaration order as a complete tagged value of the registry
 * (so components may be {@code null}, other records, or anything the registry encodes).
 *
 * <p>Reading is the dangerous direction, as with Java serialization: the class named in the input
 * is loaded without being initialized, must pass the registry's allowlist (the same
 * {@link SerialAllowlist} decision the serialization fallback applies, user filters included), must
 * be a record implementing {@code RoutingKey}, must have as many components as the input, each
 * component must fit its declared type, and the record is made only through its canonical
 * constructor (so its validation runs). Any failure is a {@link CodecException} naming the class.
 * Writing checks the allowlist as well: a registry encodes no record it would refuse to decode.
 *
 * <p>Thread-safe; reflection metadata is cached per class ({@link ClassValue}).
 */
final class RecordKeyCodec implements Codec<RoutingKey> {

    /** A class name longer than this many UTF-8 bytes is refused (the JVM's own limit). */
    private static final int MAX_CLASS_NAME_BYTES = 65_535;

    private static final ClassValue<Shape> SHAPES = new ClassValue<>() {
        @Override
        protected Shape computeValue(Class<?> type) {
            return Shape.of(type);
        }
    };

    private final Codecs codecs;
    private final SerialAllowlist allowlist;
    private final ClassLoader loader;

    RecordKeyCodec(Codecs codecs, SerialAllowlist allowlist, ClassLoader loader) {
        this.codecs = codecs;
        this.allowlist = allowlist;
        this.loader = loader;
    }

    @Override
    public String name() {
        return "routing-key-record";
    }

    @Override
    public int typeId() {
        return BuiltInCodecs.ROUTING_KEY_RECORD;
    }

    @Override
    public Class<RoutingKey> type() {
        return RoutingKey.class;
    }

    /** Whether this codec takes values of {@code type}: a record implementing RoutingKey. */
    static boolean handles(Class<?> type) {
        return type.isRecord() && RoutingKey.class.isAssignableFrom(type);
    }

    @Override
    public void write(RoutingKey value, DataOutput out) throws IOException {
        Class<?> type = value.getClass();
        Shape shape = SHAPES.get(type);
        BuiltInCodecs.writeUtf8(out, type.getName());
        Varint.writeUnsigned(out, shape.accessors.length);
        for (int i = 0; i < shape.accessors.length; i++) {
            Object component;
            try {
                component = shape.accessors[i].invoke(value);
            } catch (InvocationTargetException e) {
                throw new CodecException("cannot encode record " + type.getName() + ": its accessor "
                        + shape.accessors[i].getName() + "() threw " + e.getCause(), e.getCause());
            } catch (IllegalAccessException e) {
                throw inaccessible(type, e);
            }
            codecs.writeNested(component, out);
        }
    }

    @Override
    public RoutingKey read(DataInput in) throws IOException {
        String name = BuiltInCodecs.readUtf8(in, "record class name", MAX_CLASS_NAME_BYTES);
        Class<?> type;
        try {
            type = Class.forName(name, false, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            throw new CodecException("record class " + name + " named in the input cannot be loaded (" + e
                    + "); is the class on this side's class path?", e);
        }
        String refused = allowlist.refusalOfClass(type);
        if (refused != null) {
            throw new CodecException("cannot decode record " + name + ": " + refused);
        }
        if (!handles(type)) {
            throw new CodecException("class " + name + " named in the input is not a record implementing "
                    + RoutingKey.class.getName() + "; refused");
        }
        Shape shape = SHAPES.get(type);
        int count = Varint.readUnsigned(in, "component count of record " + name);
        if (count != shape.types.length) {
            throw new CodecException("record " + name + " has " + shape.types.length + " components, the input has "
                    + Integer.toUnsignedString(count) + " (did the record change between the writer and the reader?)");
        }
        Object[] args = new Object[count];
        for (int i = 0; i < count; i++) {
            Object component = codecs.readNested(in);
            Class<?> declared = shape.types[i];
            if (declared.isPrimitive() ? component == null || box(declared) != component.getClass()
                    : component != null && !declared.isInstance(component)) {
                throw new CodecException("record " + name + ": component '" + shape.names[i] + "' is a "
                        + declared.getTypeName() + ", the input has "
                        + (component == null ? "null" : "a " + component.getClass().getTypeName()));
            }
            args[i] = component;
        }
        try {
            return (RoutingKey) shape.constructor.newInstance(args);
        } catch (InvocationTargetException e) {
            throw new CodecException("record " + name + ": its canonical constructor refused the decoded components ("
                    + e.getCause() + ")", e.getCause());
        } catch (IllegalAccessException e) {
            throw inaccessible(type, e);
        } catch (InstantiationException | IllegalArgumentException e) {
            throw new CodecException("record " + name + " cannot be constructed: " + e, e);
        }
    }

    private static CodecException inaccessible(Class<?> type, Exception e) {
        return new CodecException("record " + type.getName() + " is not accessible to SlotGrid (" + e
                + "); make it public or open its package to module " + RecordKeyCodec.class.getModule(), e);
    }

    private static Class<?> box(Class<?> primitive) {
        if (primitive == int.class) {
            return Integer.class;
        } else if (primitive == long.class) {
            return Long.class;
        } else if (primitive == boolean.class) {
            return Boolean.class;
        } else if (primitive == double.class) {
            return Double.class;
        } else if (primitive == float.class) {
            return Float.class;
        } else if (primitive == short.class) {
            return Short.class;
        } else if (primitive == byte.class) {
            return Byte.class;
        }
        return Character.class;
    }

    /** A record's components, accessors and canonical constructor, made accessible where the module allows. */
    private static final class Shape {
        final String[] names;
        final Class<?>[] types;
        final Method[] accessors;
        final Constructor<?> constructor;

        private Shape(String[] names, Class<?>[] types, Method[] accessors, Constructor<?> constructor) {
            this.names = names;
            this.types = types;
            this.accessors = accessors;
            this.constructor = constructor;
        }

        static Shape of(Class<?> type) {
            RecordComponent[] components = type.getRecordComponents();
            String[] names = new String[components.length];
            Class<?>[] types = new Class<?>[components.length];
            Method[] accessors = new Method[components.length];
            for (int i = 0; i < components.length; i++) {
                names[i] = components[i].getName();
                types[i] = components[i].getType();
                accessors[i] = components[i].getAccessor();
                accessors[i].trySetAccessible();
            }
            Constructor<?> constructor;
            try {
                constructor = type.getDeclaredConstructor(types);
            } catch (NoSuchMethodException e) {
                throw new CodecException("record " + type.getName() + " has no canonical constructor", e);
            }
            constructor.trySetAccessible();
            return new Shape(names, types, accessors, constructor);
        }
    }
}
