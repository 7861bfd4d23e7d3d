package dev.slotgrid.slot;

import java.util.Arrays;
import java.util.Objects;

/**
 * The backups of every slot: for each slot, up to {@link #count()} members besides its owner that
 * hold a copy, in promotion order (rank 0 is promoted first when the owner dies).
 *
 * <p>Immutable and therefore thread-safe. A rank of a slot may be {@link #NONE}: the copy does not
 * exist (not yet re-created after a death, or too few members to hold it); the holes of a slot are
 * always after its backups, never between them. Cost: {@code count} arrays of {@value SlotTable#SLOTS}
 * shorts (32 KiB each), copied by every change; {@link #backupOf} is one array read.
 */
public final class Replicas {

    /** A rank of a slot that holds no copy. */
    public static final int NONE = -1;

    /** The most backups a slot can have. */
    public static final int MAX_BACKUPS = 6;

    /** No backups at all: what a table without replication holds. */
    public static final Replicas EMPTY = new Replicas(new short[0][]);

    private static final int SLOTS = SlotTable.SLOTS;

    private final short[][] ranks; // [rank][slot], NONE where no copy; never mutated once built

    private Replicas(short[][] ranks) {
        this.ranks = ranks;
    }

    /**
     * Backups from their ranks, validated: each rank holds {@value SlotTable#SLOTS} ids or
     * {@link #NONE}, a slot names no member twice, and its holes come after its backups.
     *
     * @param ranks {@code ranks[r][slot]}, at most {@link #MAX_BACKUPS} ranks; copied
     * @return the backups
     * @throws IllegalArgumentException naming the first rank and slot that is wrong
     * @throws NullPointerException if {@code ranks} is or holds {@code null}
     */
    public static Replicas of(short[][] ranks) {
        Objects.requireNonNull(ranks, "ranks must not be null");
        if (ranks.length > MAX_BACKUPS) {
            throw new IllegalArgumentException("at most " + MAX_BACKUPS + " backups per slot, not " + ranks.length);
        }
        short[][] copy = new short[ranks.length][];
        for (int r = 0; r < ranks.length; r++) {
            Objects.requireNonNull(ranks[r], "rank " + r + " must not be null");
            if (ranks[r].length != SLOTS) {
                throw new IllegalArgumentException("rank " + r + " has " + ranks[r].length + " slots, not " + SLOTS);
            }
            copy[r] = ranks[r].clone();
        }
        for (int slot = 0; slot < SLOTS; slot++) {
            for (int r = 0; r < copy.length; r++) {
                int member = copy[r][slot];
                if (member < NONE) {
                    throw new IllegalArgumentException("rank " + r + " of slot " + slot + " names member " + member);
                }
                if (member == NONE) {
                    continue;
                }
                if (r > 0 && copy[r - 1][slot] == NONE) {
                    throw new IllegalArgumentException("slot " + slot + " has a backup at rank " + r + " after a hole");
                }
                for (int q = 0; q < r; q++) {
                    if (copy[q][slot] == member) {
                        throw new IllegalArgumentException("slot " + slot + " names member " + member + " at ranks "
                                + q + " and " + r);
                    }
                }
            }
        }
        return copy.length == 0 ? EMPTY : new Replicas(copy);
    }

    /**
     * How many backups each slot is meant to have (some may be holes).
     *
     * @return the rank count, 0 without replication
     */
    public int count() {
        return ranks.length;
    }

    /**
     * The member that holds a slot's copy of the given rank.
     *
     * @param slot a slot
     * @param rank a rank in {@code [0, count())}
     * @return its id, or {@link #NONE}
     * @throws ArrayIndexOutOfBoundsException if the slot or the rank is out of range
     */
    public int backupOf(int slot, int rank) {
        return ranks[rank][slot];
    }

    /**
     * The members that hold a copy of a slot, in rank order, holes left out.
     *
     * @param slot a slot
     * @return a new array, empty if the slot has no copy
     */
    public int[] backupsOf(int slot) {
        int n = 0;
        while (n < ranks.length && ranks[n][slot] != NONE) {
            n++;
        }
        int[] members = new int[n];
        for (int r = 0; r < n; r++) {
            members[r] = ranks[r][slot];
        }
        return members;
    }

    /**
     * Whether a member holds a copy of a slot, at any rank.
     *
     * @param slot a slot
     * @param member a member id
     * @return {@code true} if it does
     */
    public boolean isBackup(int slot, int member) {
        for (short[] rank : ranks) {
            if (rank[slot] == member) {
                return true;
            }
        }
        return false;
    }

    /**
     * How many copies a member holds, over every rank. Cost: a scan of every rank.
     *
     * @param member a member id
     * @return the count
     */
    public int copiesHeldBy(int member) {
        int n = 0;
        for (short[] rank : ranks) {
            for (short m : rank) {
                if (m == member) {
                    n++;
                }
            }
        }
        return n;
    }

    /**
     * How many copies are missing: holes over every rank.
     *
     * @return the count
     */
    public int holes() {
        return copiesHeldBy(NONE);
    }

    /** Rank arrays, copied: {@code [rank][slot]}. */
    public short[][] toArrays() {
        short[][] copy = new short[ranks.length][];
        for (int r = 0; r < ranks.length; r++) {
            copy[r] = ranks[r].clone();
        }
        return copy;
    }

    /**
     * These backups with a member's copies removed and the ranks after each closed up, so that a
     * slot's holes stay at its end.
     */
    Replicas without(int member) {
        short[][] next = toArrays();
        boolean changed = false;
        for (int slot = 0; slot < SLOTS; slot++) {
            changed |= removeFromSlot(next, slot, member);
        }
        return changed ? new Replicas(next) : this;
    }

    /** These backups without {@code member}'s copy of one slot (it became the slot's owner), if it held one. */
    Replicas withoutAt(int slot, int member) {
        if (!isBackup(slot, member)) {
            return this;
        }
        short[][] next = toArrays();
        removeFromSlot(next, slot, member);
        return new Replicas(next);
    }

    /**
     * These backups with {@code member} holding a copy of {@code slot}: in the rank of
     * {@code replaced} if that is one of the slot's backups, else in the slot's first hole.
     *
     * @throws IllegalArgumentException if the member already holds a copy, or the slot has no hole
     */
    Replicas with(int slot, int member, int replaced) {
        if (isBackup(slot, member)) {
            throw new IllegalArgumentException("member " + member + " already holds a copy of slot " + slot);
        }
        short[][] next = toArrays();
        for (int pass = 0; pass < 2; pass++) {
            for (short[] rank : next) {
                if (pass == 0 ? replaced != NONE && rank[slot] == replaced : rank[slot] == NONE) {
                    rank[slot] = (short) member; // the first hole: holes are at a slot's end
                    return new Replicas(next);
                }
            }
        }
        throw new IllegalArgumentException("slot " + slot + " has " + ranks.length + " backups already"
                + (replaced == NONE ? "" : ", and member " + replaced + " is not one of them"));
    }

    /** These backups without the copies held by each slot's owner in {@code layout}. */
    Replicas withoutOwners(short[] layout) {
        short[][] next = null;
        for (int slot = 0; slot < SLOTS && ranks.length > 0; slot++) {
            if (isBackup(slot, layout[slot])) {
                next = next != null ? next : toArrays();
                removeFromSlot(next, slot, layout[slot]);
            }
        }
        return next == null ? this : new Replicas(next);
    }

    /** Checks that every backup is a node of {@code table} and never its slot's owner, naming the first that is not. */
    void check(SlotTable table) {
        for (int slot = 0; slot < SLOTS; slot++) {
            int owner = table.ownerOf(slot);
            for (short[] rank : ranks) {
                int member = rank[slot];
                if (member == owner) {
                    throw new IllegalArgumentException("the owner " + owner + " of slot " + slot + " cannot be its backup");
                }
                if (member != NONE && table.node(member) == null) {
                    throw new IllegalArgumentException("backup " + member + " of slot " + slot + " is not in the table");
                }
            }
        }
    }

    /** Removes {@code member} from one slot's ranks in place, closing the gap; whether it was there. */
    static boolean removeFromSlot(short[][] ranks, int slot, int member) {
        for (int r = 0; r < ranks.length; r++) {
            if (ranks[r][slot] == member) {
                for (int q = r; q + 1 < ranks.length; q++) {
                    ranks[q][slot] = ranks[q + 1][slot];
                }
                ranks[ranks.length - 1][slot] = NONE;
                return true;
            }
        }
        return false;
    }

    /** Built from arrays the caller gives up and has validated. */
    static Replicas adopt(short[][] ranks) {
        return ranks.length == 0 ? EMPTY : new Replicas(ranks);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Replicas other && Arrays.deepEquals(ranks, other.ranks);
    }

    @Override
    public int hashCode() {
        return Arrays.deepHashCode(ranks);
    }

    @Override
    public String toString() {
        return "Replicas{" + ranks.length + " per slot, " + holes() + " missing}";
    }
}
