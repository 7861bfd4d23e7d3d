package dev.slotgrid.hotkey;

import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The shape of one salted key, one version of it: the key's value is its base entry folded with
 * parts {@code [0, readParts)}; writes go to parts {@code [0, writeParts)} (to the base entry when
 * {@code writeParts == 0}). Where each part lives ({@link #partSlot}) is chosen by the caller.
 *
 * <p>Immutable shape; a change (more parts, fewer, none) is a new version published by the caller
 * in its directory. Two pieces of bookkeeping make changes lose nothing:
 * <ul>
 *   <li><b>Writers in flight</b>: a writer {@link #enter}s the version it found, checks that the
 *       directory still holds it, writes, and {@link #leave}s. After publishing the next version,
 *       the reshaper {@link #awaitWriters}: from then on no write can reach a part that the new
 *       version no longer writes, so folding that part into another loses no increment. The check
 *       reads {@code left} before {@code entered}: a writer counted in neither, or whose leave is
 *       seen, is done; equality therefore proves every counted writer has left.
 *   <li><b>Fold sequence</b>: shared by every version of the key. Odd while parts are being folded
 *       into others; readers that overlap a fold ({@link #readStamp}/{@link #readValid}) retry, so
 *       a read never misses or double-counts a part in transit.
 * </ul>
 *
 * <p>Thread-safe.
 */
public final class SaltedKey {

    /** How long {@link #awaitWriters} waits before it reports a stuck writer. */
    static final long WRITERS_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final Object key;
    private final int[] partSlots;
    private final int writeParts;
    private final int readParts;
    private final long version;
    private final LongAdder entered = new LongAdder();
    private final LongAdder left = new LongAdder();
    private final AtomicLong foldSequence;

    private SaltedKey(Object key, int[] partSlots, int writeParts, int readParts, long version, AtomicLong foldSequence) {
        this.key = key;
        this.partSlots = partSlots;
        this.writeParts = writeParts;
        this.readParts = readParts;
        this.version = version;
        this.foldSequence = foldSequence;
    }

    /**
     * The first version of a salted key: {@code partSlots.length} parts, all written and read.
     *
     * @param key the key (as stored)
     * @param partSlots where each part lives, at least one; copied
     * @return version 1
     * @throws IllegalArgumentException if there is no part
     * @throws NullPointerException if {@code key} or {@code partSlots} is {@code null}
     */
    public static SaltedKey of(Object key, int[] partSlots) {
        Objects.requireNonNull(key, "key must not be null");
        Objects.requireNonNull(partSlots, "partSlots must not be null");
        if (partSlots.length < 1) {
            throw new IllegalArgumentException("a salted key has at least one part");
        }
        return new SaltedKey(key, partSlots.clone(), partSlots.length, partSlots.length, 1, new AtomicLong());
    }

    /**
     * The next version with {@code parts} parts written: more parts add {@code moreSlots} (read at
     * once); fewer keep reading the old ones until {@link #withReadParts} after they were folded.
     *
     * @param parts parts to write, 0 (writes go to the base entry) or more
     * @param moreSlots slots of the parts added, {@code max(0, parts - partCount())} of them
     * @return the next version
     * @throws IllegalArgumentException if {@code parts} is negative or {@code moreSlots} does not fit
     * @throws NullPointerException if {@code moreSlots} is {@code null}
     */
    public SaltedKey withWriteParts(int parts, int[] moreSlots) {
        Objects.requireNonNull(moreSlots, "moreSlots must not be null");
        if (parts < 0) {
            throw new IllegalArgumentException("write parts must not be negative, was " + parts);
        }
        int added = Math.max(0, parts - partSlots.length);
        if (moreSlots.length != added) {
            throw new IllegalArgumentException("going to " + parts + " parts from " + partSlots.length + " needs "
                    + added + " new slots, not " + moreSlots.length);
        }
        int[] slots = Arrays.copyOf(partSlots, partSlots.length + added);
        System.arraycopy(moreSlots, 0, slots, partSlots.length, added);
        return new SaltedKey(key, slots, parts, Math.max(readParts, parts), version + 1, foldSequence);
    }

    /**
     * The next version reading only the parts written, once the others were folded into them.
     *
     * @return the next version
     */
    public SaltedKey withReadPartsTrimmed() {
        return new SaltedKey(key, Arrays.copyOf(partSlots, writeParts), writeParts, writeParts, version + 1, foldSequence);
    }

    /** @return the key */
    public Object key() {
        return key;
    }

    /** @return the version, higher in every later shape */
    public long version() {
        return version;
    }

    /** @return parts written: {@code [0, writeParts())}; 0 means the base entry takes the writes */
    public int writeParts() {
        return writeParts;
    }

    /** @return parts read and folded with the base entry: {@code [0, readParts())} */
    public int readParts() {
        return readParts;
    }

    /** @return parts with a slot: {@code max(readParts, writeParts)} */
    public int partCount() {
        return partSlots.length;
    }

    /**
     * Where a part lives.
     *
     * @param part the part index
     * @return its slot
     */
    public int partSlot(int part) {
        return partSlots[part];
    }

    /** A writer of this version begins; it must then check that the version is still current. */
    public void enter() {
        entered.increment();
    }

    /** A writer of this version is done (or backs off). */
    public void leave() {
        left.increment();
    }

    /**
     * Waits until every writer that entered this version has left. Call after publishing the next
     * version; bounded.
     *
     * @throws IllegalStateException if a writer stays inside for {@value #WRITERS_TIMEOUT_NANOS} ns
     */
    public void awaitWriters() {
        long start = System.nanoTime();
        for (int spins = 0;; spins++) {
            long done = left.sum(); // first: see the class comment
            if (done == entered.sum()) {
                return;
            }
            if (System.nanoTime() - start > WRITERS_TIMEOUT_NANOS) {
                throw new IllegalStateException("writers of salted key " + key + " did not leave within 10 s");
            }
            if (spins < 128) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
            }
        }
    }

    /** Marks the start of a fold of parts into others; readers that overlap it retry. */
    public void beginFold() {
        foldSequence.incrementAndGet();
    }

    /** Marks the end of a fold. */
    public void endFold() {
        foldSequence.incrementAndGet();
    }

    /**
     * A stamp to take before folding parts for a read; negative while a fold of parts is under way
     * (then spin and take another).
     *
     * @return the stamp
     */
    public long readStamp() {
        long s = foldSequence.get();
        return (s & 1) == 0 ? s : -1;
    }

    /**
     * Whether a read that took {@code stamp} overlapped no fold of parts.
     *
     * @param stamp from {@link #readStamp()}, not negative
     * @return {@code true} if the folded value is valid
     */
    public boolean readValid(long stamp) {
        return foldSequence.get() == stamp;
    }

    @Override
    public String toString() {
        return "SaltedKey{" + key + " v" + version + ", write " + writeParts + ", read " + readParts + " of "
                + Arrays.toString(partSlots) + "}";
    }
}
