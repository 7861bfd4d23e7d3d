package dev.slotgrid.slot;

import dev.slotgrid.spi.Partitioner;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Who owns which slot: an epoch, the owner of each of the {@value #SLOTS} slots, and the node
 * registry.
 *
 * <p>Immutable and therefore thread-safe: a node publishes a new table by one atomic reference swap
 * and the hot path reads its reference once per operation. Every change yields a new table whose
 * epoch is higher than its parent's; two tables of one cluster with the same epoch are equal.
 *
 * <p>Invariants: every slot has an owner, and every owner is in the registry. Cost: a change of one
 * owner copies about 1 KiB; {@link #ownerOf} is two array reads.
 */
public final class SlotTable {

    /** The number of slots. */
    public static final int SLOTS = Partitioner.SLOT_COUNT;

    private final long epoch;
    /**
     * Owner of each slot in 64 chunks of 256: a change copies one chunk (512 bytes) and the chunk
     * index instead of 32 KiB, which matters when slots move back to back. Never mutated once the
     * table exists: tables share chunks.
     */
    private final short[][] owners;
    private static final int CHUNK_BITS = 8;
    private static final int CHUNK = 1 << CHUNK_BITS;
    private final NodeInfo[] nodes; // sorted by id
    private final Map<Integer, Move> inMotion; // slot -> its migration, unmodifiable
    private final Map<Object, Integer> pins; // the directory: pinned key -> its slot, unmodifiable
    private final boolean hasPins; // read on every operation: a field, not a call
    /** Higher than every node id this table or any of its ancestors registered: ids are never reused. */
    private final int nextNodeId;
    /** Slots whose data died with their owner, ascending; given to a survivor, served empty only once acknowledged. */
    private final int[] lost;
    /** The backups of each slot; never the slot's owner, always registered nodes. */
    private final Replicas replicas;

    private SlotTable(long epoch, short[][] owners, NodeInfo[] nodes) {
        this(epoch, owners, nodes, Map.of(), Map.of(), nodes.length == 0 ? 0 : nodes[nodes.length - 1].id() + 1, NO_SLOTS,
                Replicas.EMPTY);
    }

    private static final int[] NO_SLOTS = new int[0];

    private SlotTable(long epoch, short[][] owners, NodeInfo[] nodes, Map<Integer, Move> inMotion, Map<Object, Integer> pins,
            int nextNodeId, int[] lost, Replicas replicas) {
        this.epoch = epoch;
        this.owners = owners;
        this.nodes = nodes;
        this.inMotion = inMotion;
        this.pins = pins;
        this.hasPins = !pins.isEmpty();
        this.nextNodeId = nextNodeId;
        this.lost = lost;
        this.replicas = replicas;
    }

    /**
     * A table at epoch 1 over the given nodes, laid out by {@link PlacementPlanner#initialLayout}:
     * balanced contiguous ranges in the order the nodes are given.
     *
     * @param nodes the nodes, at least one, distinct ids and names
     * @return the new table
     * @throws IllegalArgumentException if {@code nodes} is empty or holds duplicate ids or names
     * @throws NullPointerException if {@code nodes} is or holds {@code null}; the message gives its index
     */
    public static SlotTable initial(List<NodeInfo> nodes) {
        NodeInfo[] registry = registry(nodes);
        return new SlotTable(1, chunked(PlacementPlanner.initialLayout(nodes)), registry);
    }

    /** A table with the given layout and registry, validated; for the planner and tests. */
    static SlotTable create(long epoch, short[] owners, List<NodeInfo> nodes) {
        if (epoch < 1) {
            throw new IllegalArgumentException("epoch must be at least 1, was " + epoch);
        }
        SlotTable table = new SlotTable(epoch, chunked(new short[SLOTS]), registry(nodes));
        return new SlotTable(epoch, table.withLayout(owners).owners, table.nodes);
    }

    /**
     * A table rebuilt from its parts, as another process sent them: validated like every table (a
     * registered owner for every slot; migrations and pins within range, to registered nodes).
     *
     * @param epoch the epoch, at least 1
     * @param owners the owner of each slot, {@value #SLOTS} registered node ids; copied
     * @param nodes the registry
     * @param migrations slot to its migration, as {@link #migrations()} gives them
     * @param pins the key directory, as {@link #pins()} gives it
     * @param nextNodeId as {@link #nextNodeId()} gives it; at least every registered id plus one
     * @param lost as {@link #lostSlots()} gives them
     * @return the table
     * @throws IllegalArgumentException naming the first part that is wrong
     */
    public static SlotTable restore(long epoch, short[] owners, List<NodeInfo> nodes, Map<Integer, Move> migrations,
            Map<Object, Integer> pins, int nextNodeId, int[] lost) {
        return restore(epoch, owners, nodes, migrations, pins, nextNodeId, lost, Replicas.EMPTY);
    }

    /**
     * A table rebuilt from its parts, backups included; validated as {@link #withReplicas} validates them.
     *
     * @param replicas as {@link #replicas()} gives them
     * @return the table
     * @throws IllegalArgumentException naming the first part that is wrong
     * @see #restore(long, short[], List, Map, Map, int, int[])
     */
    public static SlotTable restore(long epoch, short[] owners, List<NodeInfo> nodes, Map<Integer, Move> migrations,
            Map<Object, Integer> pins, int nextNodeId, int[] lost, Replicas replicas) {
        Objects.requireNonNull(replicas, "replicas must not be null");
        Objects.requireNonNull(owners, "owners must not be null");
        Objects.requireNonNull(migrations, "migrations must not be null");
        Objects.requireNonNull(pins, "pins must not be null");
        SlotTable table = create(epoch, owners, nodes);
        for (Map.Entry<Integer, Move> e : migrations.entrySet()) {
            checkSlot(e.getKey());
            if (e.getValue().slot() != e.getKey()) {
                throw new IllegalArgumentException("migration of slot " + e.getValue().slot() + " filed under slot " + e.getKey());
            }
            table.requireNode(e.getValue().to());
        }
        for (Map.Entry<Object, Integer> e : pins.entrySet()) {
            checkSlot(Objects.requireNonNull(e.getValue(), "a pin's slot must not be null"));
        }
        if (nextNodeId < table.nextNodeId) {
            throw new IllegalArgumentException("nextNodeId " + nextNodeId + " is not above every registered id");
        }
        Objects.requireNonNull(lost, "lost must not be null");
        replicas.check(table);
        int[] sortedLost = lost.clone();
        Arrays.sort(sortedLost);
        for (int slot : sortedLost) {
            checkSlot(slot);
        }
        return new SlotTable(epoch, table.owners, table.nodes, migrations.isEmpty() ? Map.of()
                : Collections.unmodifiableMap(new TreeMap<>(migrations)), pins.isEmpty() ? Map.of() : Map.copyOf(pins),
                nextNodeId, sortedLost.length == 0 ? NO_SLOTS : sortedLost, replicas);
    }

    /**
     * Whether a slot's data died with its owner (it has a new owner, which serves it empty only once
     * the loss is acknowledged: {@link #withoutLost()}).
     *
     * @param slot a slot
     * @return {@code true} if lost
     */
    public boolean isLost(int slot) {
        return lost.length > 0 && Arrays.binarySearch(lost, slot) >= 0;
    }

    /**
     * The slots marked lost, ascending.
     *
     * @return a new array
     */
    public int[] lostSlots() {
        return lost.clone();
    }

    /**
     * This table with slots whose owner died given to new owners and marked lost, at epoch + 1.
     *
     * @param slots the slots
     * @param newOwners each slot's new owner, a registered node
     * @return the new table
     * @throws IllegalArgumentException if the arrays differ in length, a slot is out of range or an owner unknown
     */
    public SlotTable withLostOwners(int[] slots, int[] newOwners) {
        Objects.requireNonNull(slots, "slots must not be null");
        Objects.requireNonNull(newOwners, "newOwners must not be null");
        if (slots.length != newOwners.length) {
            throw new IllegalArgumentException(slots.length + " slots but " + newOwners.length + " new owners");
        }
        short[] flat = owners();
        java.util.TreeSet<Integer> marked = new java.util.TreeSet<>();
        for (int slot : lost) {
            marked.add(slot);
        }
        Map<Integer, Move> motion = inMotion;
        for (int i = 0; i < slots.length; i++) {
            checkSlot(slots[i]);
            requireNode(newOwners[i]);
            flat[slots[i]] = (short) newOwners[i];
            marked.add(slots[i]);
            motion = without(motion, slots[i]);
        }
        return new SlotTable(epoch + 1, chunked(flat), nodes, motion, pins, nextNodeId,
                marked.stream().mapToInt(Integer::intValue).toArray(), replicas.withoutOwners(flat));
    }

    /**
     * The backups of every slot.
     *
     * @return the backups, {@link Replicas#EMPTY} for a table without replication
     */
    public Replicas replicas() {
        return replicas;
    }

    /**
     * This table with other backups, at epoch + 1.
     *
     * @param backups the new backups: registered nodes only, never a slot's owner
     * @return the new table
     * @throws IllegalArgumentException naming the first slot whose backup is unknown or its owner
     * @throws NullPointerException if {@code backups} is {@code null}
     */
    public SlotTable withReplicas(Replicas backups) {
        Objects.requireNonNull(backups, "backups must not be null");
        backups.check(this);
        return new SlotTable(epoch + 1, owners, nodes, inMotion, pins, nextNodeId, lost, backups);
    }

    /**
     * This table after a node died, at epoch + 1: each slot it owned goes to its first backup (the
     * copy is promoted, nothing moves), every copy it held is dropped, and every migration to or from
     * it ends. A slot it owned that had no backup stays owned by it: its data died with it, and the
     * caller gives it away as lost ({@link #withLostOwners}). The node stays registered.
     *
     * @param id the dead node's id
     * @return the new table
     * @throws IllegalArgumentException if no node has that id
     */
    public SlotTable withOwnerFailed(int id) {
        requireNode(id);
        short[] flat = owners();
        short[][] ranks = replicas.toArrays();
        for (int slot = 0; slot < SLOTS; slot++) {
            if (flat[slot] == id && ranks.length > 0 && ranks[0][slot] != Replicas.NONE) {
                flat[slot] = ranks[0][slot];
                Replicas.removeFromSlot(ranks, slot, flat[slot]);
            }
            Replicas.removeFromSlot(ranks, slot, id);
        }
        Map<Integer, Move> motion = inMotion;
        for (Move move : inMotion.values()) {
            if (move.from() == id || move.to() == id) {
                motion = without(motion, move.slot());
            }
        }
        return new SlotTable(epoch + 1, chunked(flat), nodes, motion, pins, nextNodeId, lost, Replicas.adopt(ranks));
    }

    /** Epochs are counted in terms of 2^20 tables: a new coordinator starts the next term. */
    public static final int TERM_BITS = 20;

    /**
     * This table unchanged but for its epoch, the first of the next term: what a new coordinator
     * publishes first. Its tables are newer than any its predecessor published, including the few a
     * predecessor that was only paused (a zombie) may still publish before it learns it was replaced:
     * those stay in the old term, below every table of the new one, so members ignore them and no
     * two tables share an epoch (unless a zombie published 2^20 tables before stepping down).
     *
     * @return the new table
     * @throws IllegalStateException if the epoch space is exhausted (2^43 terms)
     */
    public SlotTable successor() {
        long term = (epoch >>> TERM_BITS) + 1;
        if (term >= 1L << (63 - TERM_BITS)) {
            throw new IllegalStateException("epoch " + epoch + " is in the last term");
        }
        return new SlotTable(term << TERM_BITS, owners, nodes, inMotion, pins, nextNodeId, lost, replicas);
    }

    /**
     * This table with no slot marked lost (the loss was acknowledged: the new owners serve them empty),
     * at epoch + 1.
     *
     * @return the new table
     */
    public SlotTable withoutLost() {
        return new SlotTable(epoch + 1, owners, nodes, inMotion, pins, nextNodeId, NO_SLOTS, replicas);
    }

    /**
     * The lowest node id that neither this table nor any table it was derived from ever registered:
     * the id for the next node, since ids are never reused.
     *
     * @return the next free id
     */
    public int nextNodeId() {
        return nextNodeId;
    }

    /**
     * The table's epoch: higher in every table derived from this one.
     *
     * @return the epoch, at least 1
     */
    public long epoch() {
        return epoch;
    }

    /**
     * The id of the node that owns a slot.
     *
     * @param slot a slot in {@code [0, SLOTS)}
     * @return the owner's node id
     * @throws ArrayIndexOutOfBoundsException if {@code slot} is out of range
     */
    public int ownerOf(int slot) {
        return owners[slot >>> CHUNK_BITS][slot & (CHUNK - 1)];
    }

    /**
     * The registered nodes, sorted by id.
     *
     * @return an immutable list
     */
    public List<NodeInfo> nodes() {
        return List.of(nodes);
    }

    /**
     * The registered node with the given id.
     *
     * @param id a node id
     * @return the node, or {@code null} if no node has that id
     */
    public NodeInfo node(int id) {
        int i = indexOf(id);
        return i < 0 ? null : nodes[i];
    }

    /**
     * The number of slots a node owns. Cost: a scan of the owner array.
     *
     * @param id a node id
     * @return the number of slots, 0 for an unknown id
     */
    public int slotCount(int id) {
        int count = 0;
        for (short[] chunk : owners) {
            for (short owner : chunk) {
                if (owner == id) {
                    count++;
                }
            }
        }
        return count;
    }

    /**
     * The slots a node owns, ascending. Cost: a scan of the owner array.
     *
     * @param id a node id
     * @return a new array; empty for an unknown id
     */
    public int[] slotsOf(int id) {
        int[] slots = new int[slotCount(id)];
        int n = 0;
        for (int slot = 0; slot < SLOTS; slot++) {
            if (ownerOf(slot) == id) {
                slots[n++] = slot;
            }
        }
        return slots;
    }

    /**
     * The slots a node owns as contiguous ranges, ascending, as {@code CLUSTER SLOTS} shows them.
     *
     * @param id a node id
     * @return an immutable list, empty for an unknown id
     */
    public List<SlotRange> rangesOf(int id) {
        List<SlotRange> ranges = new ArrayList<>();
        int start = -1;
        for (int slot = 0; slot <= SLOTS; slot++) {
            boolean owned = slot < SLOTS && ownerOf(slot) == id;
            if (owned && start < 0) {
                start = slot;
            } else if (!owned && start >= 0) {
                ranges.add(new SlotRange(start, slot - 1));
                start = -1;
            }
        }
        return List.copyOf(ranges);
    }

    /**
     * A copy of the owner array.
     *
     * @return a new array of {@value #SLOTS} node ids
     */
    public short[] owners() {
        short[] flat = new short[SLOTS];
        for (int c = 0; c < owners.length; c++) {
            System.arraycopy(owners[c], 0, flat, c * CHUNK, CHUNK);
        }
        return flat;
    }

    private static short[][] chunked(short[] flat) {
        short[][] chunks = new short[SLOTS / CHUNK][];
        for (int c = 0; c < chunks.length; c++) {
            chunks[c] = java.util.Arrays.copyOfRange(flat, c * CHUNK, (c + 1) * CHUNK);
        }
        return chunks;
    }

    /**
     * This table with one more node in the registry, owning no slot yet, at epoch + 1.
     *
     * @param node the node to register
     * @return the new table
     * @throws IllegalArgumentException if a node with that id or name is already registered
     */
    public SlotTable withNode(NodeInfo node) {
        Objects.requireNonNull(node, "node must not be null");
        List<NodeInfo> all = new ArrayList<>(List.of(nodes));
        all.add(node);
        return new SlotTable(epoch + 1, owners, registry(all), inMotion, pins, Math.max(nextNodeId, node.id() + 1), lost, replicas);
    }

    /**
     * This table without a node that owns no slot, at epoch + 1.
     *
     * @param id the node's id
     * @return the new table
     * @throws IllegalArgumentException if no node has that id, or it still owns slots
     */
    public SlotTable withoutNode(int id) {
        int i = indexOf(id);
        if (i < 0) {
            throw new IllegalArgumentException("no node with id " + id + " in the table");
        }
        int owned = slotCount(id);
        if (owned > 0) {
            throw new IllegalArgumentException("node '" + nodes[i].name() + "' still owns " + owned
                    + " slots; move them first");
        }
        List<NodeInfo> rest = new ArrayList<>(List.of(nodes));
        rest.remove(i);
        if (rest.isEmpty()) {
            throw new IllegalArgumentException("cannot remove the last node");
        }
        for (Move move : inMotion.values()) {
            if (move.to() == id) {
                throw new IllegalArgumentException("node '" + nodes[i].name() + "' is the target of the migration of slot "
                        + move.slot() + "; finish or cancel it first");
            }
        }
        return new SlotTable(epoch + 1, owners, registry(rest), inMotion, pins, nextNodeId, lost, replicas.without(id));
    }

    /**
     * This table with one slot handed to another registered node, at epoch + 1. Ends the slot's
     * migration, if it had one.
     *
     * @param slot the slot
     * @param id the new owner's id
     * @return the new table
     * @throws IllegalArgumentException if the slot is out of range or the node is not registered
     */
    public SlotTable withOwner(int slot, int id) {
        checkSlot(slot);
        requireNode(id);
        short[][] next = owners.clone();
        short[] chunk = next[slot >>> CHUNK_BITS].clone();
        chunk[slot & (CHUNK - 1)] = (short) id;
        next[slot >>> CHUNK_BITS] = chunk;
        return new SlotTable(epoch + 1, next, nodes, without(inMotion, slot), pins, nextNodeId, lost,
                replicas.withoutAt(slot, id));
    }

    /**
     * This table with a new copy of a slot listed, at epoch + 1: {@code member} takes the rank of
     * {@code replaced} if that is one of the slot's backups (a copy moved), else the slot's first
     * free rank (a copy re-created).
     *
     * @param slot the slot
     * @param member the member that now holds a complete copy
     * @param replaced the backup it replaces, or {@link Replicas#NONE}
     * @return the new table
     * @throws IllegalArgumentException if the slot is out of range, the member is not registered,
     *     owns the slot or already holds a copy of it, or the slot has no free rank and
     *     {@code replaced} is not one of its backups
     */
    public SlotTable withBackup(int slot, int member, int replaced) {
        checkSlot(slot);
        requireNode(member);
        if (ownerOf(slot) == member) {
            throw new IllegalArgumentException("member " + member + " owns slot " + slot + "; it cannot be its backup");
        }
        return new SlotTable(epoch + 1, owners, nodes, inMotion, pins, nextNodeId, lost,
                replicas.with(slot, member, replaced));
    }

    /**
     * This table without one member's copy of a slot, at epoch + 1 (the same table if it holds none).
     *
     * @param slot the slot
     * @param member the member
     * @return the new table
     * @throws IllegalArgumentException if the slot is out of range
     */
    public SlotTable withoutBackup(int slot, int member) {
        checkSlot(slot);
        Replicas next = replicas.withoutAt(slot, member);
        return next == replicas ? this
                : new SlotTable(epoch + 1, owners, nodes, inMotion, pins, nextNodeId, lost, next);
    }

    /**
     * This table with a slot marked in motion from its owner to {@code to}, at epoch + 1: the owner
     * is {@link #migratingTo} the target, the target {@link #importingFrom} the owner. Ownership does
     * not change until {@link #withOwner}.
     *
     * @param slot the slot
     * @param to the target node's id
     * @return the new table
     * @throws IllegalArgumentException if the slot is already in motion, the target is not
     *     registered, or it already owns the slot
     */
    public SlotTable withMigration(int slot, int to) {
        checkSlot(slot);
        requireNode(to);
        if (inMotion.containsKey(slot)) {
            throw new IllegalArgumentException("slot " + slot + " is already in motion: " + inMotion.get(slot));
        }
        if (ownerOf(slot) == to) {
            throw new IllegalArgumentException("node " + to + " already owns slot " + slot);
        }
        Map<Integer, Move> next = new TreeMap<>(inMotion);
        next.put(slot, new Move(slot, ownerOf(slot), to));
        return new SlotTable(epoch + 1, owners, nodes, Collections.unmodifiableMap(next), pins, nextNodeId, lost, replicas);
    }

    /**
     * This table without a slot's migration mark (a cancelled migration), at epoch + 1.
     *
     * @param slot the slot
     * @return the new table
     * @throws IllegalArgumentException if the slot is not in motion
     */
    public SlotTable withoutMigration(int slot) {
        if (!inMotion.containsKey(slot)) {
            throw new IllegalArgumentException("slot " + slot + " is not in motion");
        }
        return new SlotTable(epoch + 1, owners, nodes, without(inMotion, slot), pins, nextNodeId, lost, replicas);
    }

    /**
     * The node a slot is migrating to, as its owner sees it ({@code migrating_slots_to} in Redis).
     *
     * @param slot the slot
     * @return the target's id, or -1 if the slot is not in motion
     */
    public int migratingTo(int slot) {
        Move move = inMotion.get(slot);
        return move == null ? -1 : move.to();
    }

    /**
     * The node a slot is being imported from ({@code importing_slots_from} in Redis).
     *
     * @param slot the slot
     * @return the source's id (the slot's owner), or -1 if the slot is not in motion
     */
    public int importingFrom(int slot) {
        Move move = inMotion.get(slot);
        return move == null ? -1 : move.from();
    }

    /**
     * The slots in motion, by slot.
     *
     * @return an unmodifiable map from slot to its migration
     */
    public Map<Integer, Move> migrations() {
        return inMotion;
    }

    /**
     * This table with a key pinned to a slot of its own (the directory override), at epoch + 1.
     * The key is an opaque value chosen by the caller (SlotGrid pins a map's key); it needs
     * {@code equals} and {@code hashCode}.
     *
     * @param key the pinned key
     * @param slot its slot from now on
     * @return the new table
     * @throws IllegalArgumentException if the slot is out of range
     */
    public SlotTable withPin(Object key, int slot) {
        Objects.requireNonNull(key, "pinned key must not be null");
        checkSlot(slot);
        Map<Object, Integer> next = new java.util.HashMap<>(pins);
        next.put(key, slot);
        return new SlotTable(epoch + 1, owners, nodes, inMotion, Collections.unmodifiableMap(next), nextNodeId, lost, replicas);
    }

    /**
     * This table without a key's pin, at epoch + 1.
     *
     * @param key the pinned key
     * @return the new table
     * @throws IllegalArgumentException if the key is not pinned
     * @throws NullPointerException if {@code key} is {@code null}
     */
    public SlotTable withoutPin(Object key) {
        Objects.requireNonNull(key, "pinned key must not be null");
        if (!pins.containsKey(key)) {
            throw new IllegalArgumentException("key " + key + " is not pinned");
        }
        Map<Object, Integer> next = new java.util.HashMap<>(pins);
        next.remove(key);
        return new SlotTable(epoch + 1, owners, nodes, inMotion, next.isEmpty() ? Map.of() : Collections.unmodifiableMap(next),
                nextNodeId, lost, replicas);
    }

    /**
     * The slot a key is pinned to, if the directory holds it.
     *
     * @param key the key as pinned
     * @param otherwise the slot to answer when it is not pinned
     * @return its pinned slot, or {@code otherwise}
     */
    public int pinnedSlot(Object key, int otherwise) {
        if (!hasPins) {
            return otherwise;
        }
        Integer slot = pins.get(key);
        return slot == null ? otherwise : slot;
    }

    /** @return {@code true} if the directory holds at least one pinned key */
    public boolean hasPins() {
        return hasPins;
    }

    /**
     * The directory: every pinned key and its slot.
     *
     * @return an unmodifiable map
     */
    public Map<Object, Integer> pins() {
        return pins;
    }

    private static Map<Integer, Move> without(Map<Integer, Move> marks, int slot) {
        if (!marks.containsKey(slot)) {
            return marks;
        }
        Map<Integer, Move> next = new TreeMap<>(marks);
        next.remove(slot);
        return next.isEmpty() ? Map.of() : Collections.unmodifiableMap(next);
    }

    /**
     * This table with every slot's owner replaced, at epoch + 1.
     *
     * @param layout the owner of each slot, {@value #SLOTS} registered node ids; copied
     * @return the new table
     * @throws IllegalArgumentException if the layout has the wrong length or names an unknown node
     * @throws NullPointerException if {@code layout} is {@code null}
     */
    public SlotTable withLayout(short[] layout) {
        Objects.requireNonNull(layout, "layout must not be null");
        if (layout.length != SLOTS) {
            throw new IllegalArgumentException("a layout has " + SLOTS + " owners, not " + layout.length);
        }
        for (short owner : layout) {
            requireNode(owner);
        }
        if (!inMotion.isEmpty()) {
            throw new IllegalArgumentException("cannot replace the layout while slots are in motion: " + inMotion.keySet());
        }
        return new SlotTable(epoch + 1, chunked(layout), nodes, Map.of(), pins, nextNodeId, lost, replicas.withoutOwners(layout));
    }

    /** Checks that a list of nodes and each of its elements is non-null, naming the argument. */
    static void requireNodes(List<NodeInfo> nodes, String name) {
        if (nodes == null) {
            throw new NullPointerException(name + " must not be null");
        }
        for (int i = 0; i < nodes.size(); i++) {
            if (nodes.get(i) == null) {
                throw new NullPointerException(name + " must not contain null (at index " + i + ")");
            }
        }
    }

    static void checkSlot(int slot) {
        if (slot < 0 || slot >= SLOTS) {
            throw new IllegalArgumentException("slot must be in [0, " + SLOTS + "), was " + slot);
        }
    }

    private void requireNode(int id) {
        if (indexOf(id) < 0) {
            throw new IllegalArgumentException("no node with id " + id + " in the table");
        }
    }

    private int indexOf(int id) {
        int lo = 0;
        int hi = nodes.length - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int midId = nodes[mid].id();
            if (midId < id) {
                lo = mid + 1;
            } else if (midId > id) {
                hi = mid - 1;
            } else {
                return mid;
            }
        }
        return -1;
    }

    private static NodeInfo[] registry(List<NodeInfo> nodes) {
        requireNodes(nodes, "nodes");
        if (nodes.isEmpty()) {
            throw new IllegalArgumentException("a slot table needs at least one node");
        }
        NodeInfo[] sorted = nodes.toArray(new NodeInfo[0]);
        Arrays.sort(sorted, (a, b) -> Integer.compare(a.id(), b.id()));
        for (int i = 1; i < sorted.length; i++) {
            if (sorted[i].id() == sorted[i - 1].id()) {
                throw new IllegalArgumentException("two nodes have id " + sorted[i].id());
            }
        }
        long distinctNames = Arrays.stream(sorted).map(NodeInfo::name).distinct().count();
        if (distinctNames != sorted.length) {
            throw new IllegalArgumentException("node names must be distinct: " + nodes);
        }
        return sorted;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("SlotTable{epoch=").append(epoch);
        for (NodeInfo node : nodes) {
            sb.append(", ").append(node.name()).append('#').append(node.id()).append('=').append(rangesOf(node.id()));
        }
        if (!inMotion.isEmpty()) {
            sb.append(", inMotion=").append(inMotion.values());
        }
        if (!pins.isEmpty()) {
            sb.append(", pins=").append(pins);
        }
        if (lost.length > 0) {
            sb.append(", lost=").append(lost.length).append(" slots");
        }
        if (replicas.count() > 0) {
            sb.append(", backups=").append(replicas.count()).append(" per slot, ").append(replicas.holes()).append(" missing");
        }
        return sb.append('}').toString();
    }
}
