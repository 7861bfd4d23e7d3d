package dev.slotgrid;

import dev.slotgrid.hotkey.HotKey;
import dev.slotgrid.slot.Move;
import dev.slotgrid.slot.NodeInfo;
import dev.slotgrid.slot.Replicas;
import dev.slotgrid.slot.SlotTable;
import dev.slotgrid.spi.CodecException;
import dev.slotgrid.spi.Codecs;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns every {@link Request}, {@link Reply} and reply value into bytes and back, for transports
 * that copy messages. Keys, values and arguments go through the grid's {@link Codecs}; the grid's
 * own records (every request, reply and payload record, found from the sealed hierarchies and a
 * fixed list) are encoded component by component, in declaration order.
 *
 * <p>Wire form of one value: a tag byte, then
 * <ul>
 *   <li>{@code NULL}: nothing; {@code USER}: the codecs' encoding of a key or value;
 *   <li>{@code RECORD}: the record type's id (its index among the grid's record types sorted by
 *       name, so the same on every member of one version), then each component: primitives as
 *       {@link DataOutput} writes them, {@code String} as the codecs' string, {@code int[]},
 *       {@code long[]}, {@code Object[]} and {@code List} as a length then their elements, anything
 *       else as a tagged value;
 *   <li>{@code ENUM}: type id and ordinal; {@code BYTES_KEY}: a {@code byte[]} key's bytes;
 *       {@code TABLE}: a slot table's parts (owners as runs of equal owners); {@code OBJECTS}: an
 *       {@code Object[]}; {@code DURATION}: seconds and nanoseconds.
 * </ul>
 *
 * <p>Decoding trusts nothing: it instantiates only the grid's own record types (through their
 * canonical constructors, which validate), the codecs' allowlisted types, and arrays and lists
 * whose lengths are checked against the bytes left. Any malformed input is a {@link CodecException}
 * naming what was wrong. A request that carries a reference ({@link Request.InProcess}) is refused
 * with an {@link IllegalStateException}: it cannot travel.
 *
 * <p>Thread-safe and stateless after construction.
 */
final class MessageCodec {

    private static final int NULL = 0;
    private static final int USER = 1;
    private static final int RECORD = 2;
    private static final int ENUM = 3;
    private static final int BYTES_KEY = 4;
    private static final int TABLE = 5;
    private static final int OBJECTS = 6;
    private static final int DURATION = 7;
    private static final int MAX_DEPTH = 32;

    /** The grid's payload records and enums besides the sealed request and reply families. */
    private static final List<Class<?>> PAYLOADS = List.of(MigrationRequest.Shipped.class, MemberStats.class,
            IndexRequest.IndexSpec.class, IndexRequest.BuildReport.class, IndexRequest.LocalVerification.class,
            IndexRequest.GlobalEntries.class, QueryRequest.QuerySpec.class, QueryRequest.Fragment.class,
            HotKeyRequest.HotKeyCounts.class, HotKeyRequest.HotKeys.class, DirectoryRequest.SealedValue.class,
            IndexKeyRequest.ClaimOutcome.class, IndexKeyRequest.Holders.class, ControlRequest.Slots.class,
            IndexStats.Node.class, IndexDefinition.class, IndexCondition.class, IndexRef.class, GlobalPair.class,
            GlobalEntry.class, SaltPart.class, KeyDirectory.PinnedKey.class, HotKey.class, NodeInfo.class, Move.class,
            OpType.class, IndexKind.class, CoordinatorRequest.NotCoordinator.class, CoordinatorRequest.MemberView.class,
            CoordinatorRequest.MigrationCounts.class, HotKeyStats.class, HotKeyReport.class, HotKeyAction.class,
            HotKeyAction.Type.class, IndexVerification.class, ReplicaRequest.Refused.class,
            ReplicaRequest.Retired.class);

    private record RecordType(Class<?> type, RecordComponent[] components, MethodHandle[] accessors,
            MethodHandle constructor) {
    }

    private final Codecs codecs;
    private final Map<Class<?>, Integer> ids = new HashMap<>();
    private final List<Class<?>> types = new ArrayList<>();
    private final Map<Class<?>, RecordType> records = new HashMap<>();

    MessageCodec(Codecs codecs) {
        this.codecs = codecs;
        List<Class<?>> all = new ArrayList<>();
        collect(Request.class, all);
        collect(Reply.class, all);
        all.addAll(PAYLOADS);
        all.sort(Comparator.comparing(Class::getName));
        MethodHandles.Lookup lookup = MethodHandles.lookup();
        for (Class<?> type : all) {
            if (ids.containsKey(type)) {
                continue;
            }
            ids.put(type, types.size());
            types.add(type);
            if (type.isRecord()) {
                records.put(type, describe(type, lookup));
            }
        }
    }

    /** Every record type permitted, at any depth, under a sealed interface. */
    private static void collect(Class<?> sealed, List<Class<?>> into) {
        for (Class<?> sub : sealed.getPermittedSubclasses()) {
            if (sub.isRecord()) {
                into.add(sub);
            } else {
                collect(sub, into);
            }
        }
    }

    private static RecordType describe(Class<?> type, MethodHandles.Lookup lookup) {
        try {
            RecordComponent[] components = type.getRecordComponents();
            MethodHandle[] accessors = new MethodHandle[components.length];
            Class<?>[] params = new Class<?>[components.length];
            for (int i = 0; i < components.length; i++) {
                accessors[i] = lookup.unreflect(components[i].getAccessor());
                params[i] = components[i].getType();
            }
            MethodHandle constructor = MethodHandles.privateLookupIn(type, lookup)
                    .findConstructor(type, MethodType.methodType(void.class, params));
            return new RecordType(type, components, accessors, constructor);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot describe " + type.getName(), e);
        }
    }

    // ================================================================ encoding

    byte[] encode(Object message) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        try {
            writeAny(new DataOutputStream(bytes), message, 0);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private void writeAny(DataOutput out, Object value, int depth) throws IOException {
        if (depth > MAX_DEPTH) {
            throw new CodecException("message nested deeper than " + MAX_DEPTH);
        }
        if (value == null) {
            out.writeByte(NULL);
            return;
        }
        if (value instanceof Request.InProcess) {
            throw new IllegalStateException(value.getClass().getSimpleName() + " carries a caller's function by reference;"
                    + " it cannot travel on a transport that copies messages");
        }
        Class<?> type = value.getClass();
        Integer id = ids.get(type);
        if (id != null && type.isEnum()) {
            out.writeByte(ENUM);
            Codecs.writeLength(out, id);
            Codecs.writeLength(out, ((Enum<?>) value).ordinal());
            return;
        }
        if (id != null) {
            out.writeByte(RECORD);
            Codecs.writeLength(out, id);
            RecordType record = records.get(type);
            for (int i = 0; i < record.components.length; i++) {
                Object component;
                try {
                    component = record.accessors[i].invoke(value);
                } catch (Throwable t) {
                    throw new IllegalStateException("cannot read " + record.components[i].getName() + " of " + type.getName(), t);
                }
                writeComponent(out, record.components[i].getType(), component, depth + 1);
            }
            return;
        }
        if (value instanceof ByteArrayKey key) {
            out.writeByte(BYTES_KEY);
            byte[] raw = key.bytes();
            Codecs.writeLength(out, raw.length);
            out.write(raw);
            return;
        }
        if (value instanceof SlotTable table) {
            out.writeByte(TABLE);
            writeTable(out, table, depth);
            return;
        }
        if (type == Object[].class) {
            out.writeByte(OBJECTS);
            writeObjects(out, (Object[]) value, depth);
            return;
        }
        if (value instanceof java.time.Duration duration) {
            out.writeByte(DURATION);
            out.writeLong(duration.getSeconds());
            out.writeInt(duration.getNano());
            return;
        }
        out.writeByte(USER);
        codecs.write(value, out);
    }

    private void writeComponent(DataOutput out, Class<?> type, Object value, int depth) throws IOException {
        if (type == int.class) {
            out.writeInt((Integer) value);
        } else if (type == long.class) {
            out.writeLong((Long) value);
        } else if (type == boolean.class) {
            out.writeBoolean((Boolean) value);
        } else if (type == double.class) {
            out.writeDouble((Double) value);
        } else if (type == int[].class || type == long[].class || type == List.class) {
            out.writeBoolean(value != null);
            if (value instanceof int[] ints) {
                Codecs.writeLength(out, ints.length);
                for (int v : ints) {
                    out.writeInt(v);
                }
            } else if (value instanceof long[] longs) {
                Codecs.writeLength(out, longs.length);
                for (long v : longs) {
                    out.writeLong(v);
                }
            } else if (value != null) {
                List<?> list = (List<?>) value;
                Codecs.writeLength(out, list.size());
                for (Object element : list) {
                    writeAny(out, element, depth + 1);
                }
            }
        } else if (type == Object[].class) {
            out.writeBoolean(value != null);
            if (value != null) {
                writeObjects(out, (Object[]) value, depth);
            }
        } else {
            writeAny(out, value, depth + 1);
        }
    }

    private void writeObjects(DataOutput out, Object[] values, int depth) throws IOException {
        Codecs.writeLength(out, values.length);
        for (Object element : values) {
            writeAny(out, element, depth + 1);
        }
    }

    private void writeTable(DataOutput out, SlotTable table, int depth) throws IOException {
        out.writeLong(table.epoch());
        out.writeInt(table.nextNodeId());
        writeRuns(out, table.owners());
        writeComponent(out, List.class, table.nodes(), depth);
        writeComponent(out, List.class, List.copyOf(table.migrations().values()), depth);
        Map<Object, Integer> pins = table.pins();
        Codecs.writeLength(out, pins.size());
        for (Map.Entry<Object, Integer> pin : pins.entrySet()) {
            writeAny(out, pin.getKey(), depth + 1);
            out.writeInt(pin.getValue());
        }
        writeComponent(out, int[].class, table.lostSlots(), depth);
        short[][] backups = table.replicas().toArrays();
        out.writeByte(backups.length);
        for (short[] rank : backups) {
            writeRuns(out, rank);
        }
    }

    /** A slot array as runs of equal ids: a few hundred bytes for a table's 16384 owners. */
    private static void writeRuns(DataOutput out, short[] ids) throws IOException {
        int runs = 0;
        for (int i = 0; i < ids.length; i++) {
            if (i == 0 || ids[i] != ids[i - 1]) {
                runs++;
            }
        }
        Codecs.writeLength(out, runs);
        for (int i = 0; i < ids.length;) {
            int end = i;
            while (end < ids.length && ids[end] == ids[i]) {
                end++;
            }
            out.writeShort(ids[i]);
            Codecs.writeLength(out, end - i);
            i = end;
        }
    }

    private static short[] readRuns(DataInput in, String what) throws IOException {
        short[] ids = new short[SlotTable.SLOTS];
        int runs = length(in, what + " runs", 3);
        int at = 0;
        for (int r = 0; r < runs; r++) {
            short id = in.readShort();
            int run = Codecs.readLength(in, what + " run");
            if (run < 1 || run > ids.length - at) {
                throw new CodecException("a table's " + what + " runs cover more than " + ids.length + " slots");
            }
            java.util.Arrays.fill(ids, at, at + run, id);
            at += run;
        }
        if (at != ids.length) {
            throw new CodecException("a table's " + what + " runs cover " + at + " slots, not " + ids.length);
        }
        return ids;
    }

    // ================================================================ decoding

    /** Decodes one message; every malformed input is a {@link CodecException}, nothing else. */
    Object decode(byte[] bytes) {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
        try {
            Object value = readAny(in, 0);
            if (in.available() > 0) {
                throw new CodecException(in.available() + " bytes left after the message");
            }
            return value;
        } catch (EOFException e) {
            throw new CodecException("truncated message (" + bytes.length + " bytes)", e);
        } catch (IOException e) {
            throw new CodecException("unreadable message: " + e.getMessage(), e);
        } catch (CodecException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new CodecException("malformed message: " + e, e);
        }
    }

    /**
     * A length read from the wire, checked against the bytes left: each of its elements takes at least
     * {@code minBytes}, so a hostile length is refused before anything is allocated for it.
     */
    private static int length(DataInput in, String what, int minBytes) throws IOException {
        int n = Codecs.readLength(in, what);
        int left = ((DataInputStream) in).available();
        if ((long) n * minBytes > left) {
            throw new CodecException(what + " " + n + " is longer than the " + left + " bytes left");
        }
        return n;
    }

    private Object readAny(DataInput in, int depth) throws IOException {
        if (depth > MAX_DEPTH) {
            throw new CodecException("message nested deeper than " + MAX_DEPTH);
        }
        int tag = in.readUnsignedByte();
        switch (tag) {
            case NULL:
                return null;
            case USER:
                return codecs.read(in);
            case RECORD:
                return readRecord(in, type(in), depth);
            case ENUM: {
                Class<?> type = type(in);
                Object[] constants = type.getEnumConstants();
                int ordinal = Codecs.readLength(in, "enum ordinal");
                if (constants == null || ordinal >= constants.length) {
                    throw new CodecException("no constant " + ordinal + " in " + type.getName());
                }
                return constants[ordinal];
            }
            case BYTES_KEY:
                return ByteArrayKey.wrapping(Codecs.readBytes(in, "byte[] key"));
            case TABLE:
                return readTable(in, depth);
            case OBJECTS:
                return readObjects(in, depth);
            case DURATION: {
                long seconds = in.readLong();
                int nanos = in.readInt();
                if (nanos < 0 || nanos > 999_999_999) {
                    throw new CodecException("a duration's nanoseconds must be in [0, 1e9), were " + nanos);
                }
                return java.time.Duration.ofSeconds(seconds, nanos);
            }
            default:
                throw new CodecException("unknown message tag " + tag);
        }
    }

    private Class<?> type(DataInput in) throws IOException {
        int id = Codecs.readLength(in, "type id");
        if (id >= types.size()) {
            throw new CodecException("unknown message type id " + id);
        }
        return types.get(id);
    }

    private Object readRecord(DataInput in, Class<?> type, int depth) throws IOException {
        RecordType record = records.get(type);
        if (record == null) {
            throw new CodecException(type.getName() + " is not a record");
        }
        Object[] args = new Object[record.components.length];
        for (int i = 0; i < args.length; i++) {
            Class<?> componentType = record.components[i].getType();
            Object value = readComponent(in, componentType, depth);
            if (value != null && !componentType.isPrimitive() && !componentType.isInstance(value)) {
                throw new CodecException(type.getSimpleName() + "." + record.components[i].getName() + " must be a "
                        + componentType.getName() + ", was " + value.getClass().getName());
            }
            if (value == null && componentType.isPrimitive()) {
                throw new CodecException(type.getSimpleName() + "." + record.components[i].getName() + " is missing");
            }
            args[i] = value;
        }
        try {
            return record.constructor.invokeWithArguments(args);
        } catch (RuntimeException e) {
            throw new CodecException("invalid " + type.getSimpleName() + ": " + e.getMessage(), e);
        } catch (Throwable t) {
            throw new CodecException("cannot build " + type.getSimpleName() + ": " + t, t);
        }
    }

    private Object readComponent(DataInput in, Class<?> type, int depth) throws IOException {
        if (type == int.class) {
            return in.readInt();
        }
        if (type == long.class) {
            return in.readLong();
        }
        if (type == boolean.class) {
            return in.readBoolean();
        }
        if (type == double.class) {
            return in.readDouble();
        }
        if (type == int[].class) {
            if (!in.readBoolean()) {
                return null;
            }
            int[] ints = new int[length(in, "int[] length", 4)];
            for (int i = 0; i < ints.length; i++) {
                ints[i] = in.readInt();
            }
            return ints;
        }
        if (type == long[].class) {
            if (!in.readBoolean()) {
                return null;
            }
            long[] longs = new long[length(in, "long[] length", 8)];
            for (int i = 0; i < longs.length; i++) {
                longs[i] = in.readLong();
            }
            return longs;
        }
        if (type == List.class) {
            if (!in.readBoolean()) {
                return null;
            }
            int n = length(in, "list length", 1);
            List<Object> list = new ArrayList<>(Math.min(n, 1024));
            for (int i = 0; i < n; i++) {
                list.add(readAny(in, depth + 1));
            }
            return Collections.unmodifiableList(list);
        }
        if (type == Object[].class) {
            return in.readBoolean() ? readObjects(in, depth) : null;
        }
        return readAny(in, depth + 1);
    }

    private Object[] readObjects(DataInput in, int depth) throws IOException {
        int n = length(in, "array length", 1);
        Object[] values = new Object[n];
        for (int i = 0; i < n; i++) {
            values[i] = readAny(in, depth + 1);
        }
        return values;
    }

    @SuppressWarnings("unchecked")
    private SlotTable readTable(DataInput in, int depth) throws IOException {
        long epoch = in.readLong();
        int nextNodeId = in.readInt();
        short[] owners = readRuns(in, "owner");
        List<Object> nodes = (List<Object>) readComponent(in, List.class, depth);
        List<Object> moves = (List<Object>) readComponent(in, List.class, depth);
        Map<Integer, Move> migrations = new LinkedHashMap<>();
        for (Object move : moves) {
            if (!(move instanceof Move m)) {
                throw new CodecException("a table's migration must be a Move, was " + move);
            }
            migrations.put(m.slot(), m);
        }
        int pinCount = length(in, "pin count", 5);
        Map<Object, Integer> pins = new HashMap<>();
        for (int i = 0; i < pinCount; i++) {
            Object key = readAny(in, depth + 1);
            pins.put(key, in.readInt());
        }
        int[] lost = (int[]) readComponent(in, int[].class, depth);
        int rankCount = in.readUnsignedByte();
        if (rankCount > Replicas.MAX_BACKUPS) {
            throw new CodecException("a table with " + rankCount + " backups per slot (at most " + Replicas.MAX_BACKUPS + ")");
        }
        short[][] ranks = new short[rankCount][];
        for (int r = 0; r < rankCount; r++) {
            ranks[r] = readRuns(in, "backup");
        }
        List<NodeInfo> infos = new ArrayList<>();
        for (Object node : nodes) {
            if (!(node instanceof NodeInfo info)) {
                throw new CodecException("a table's node must be a NodeInfo, was " + node);
            }
            infos.add(info);
        }
        try {
            return SlotTable.restore(epoch, owners, infos, migrations, pins, nextNodeId, lost == null ? new int[0] : lost,
                    Replicas.of(ranks));
        } catch (IllegalArgumentException e) {
            throw new CodecException("invalid slot table: " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "MessageCodec{" + types.size() + " types, " + codecs + "}";
    }
}
