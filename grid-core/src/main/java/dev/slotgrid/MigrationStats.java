package dev.slotgrid;

import java.time.Duration;
import java.util.Optional;

/**
 * Progress of a grid's slot migrations and the length of their cutover windows. An immutable
 * snapshot; counts are cumulative since the grid started.
 *
 * <p>The cutover window is the time from sealing a slot (new writers of it start to retry) to its
 * handover to the target (they are served again); readers are never held up by it.
 */
public final class MigrationStats {

    private final long slotsDone;
    private final long slotsCancelled;
    private final long slotsFailed;
    private final int slotsInFlight;
    private final int slotsQueued;
    private final long entriesMoved;
    private final double entriesPerSecond;
    private final long entriesLeft;
    private final long cutovers;
    private final long cutoverP50Nanos;
    private final long cutoverP99Nanos;
    private final long cutoverMaxNanos;

    MigrationStats(long slotsDone, long slotsCancelled, long slotsFailed, int slotsInFlight, int slotsQueued,
            long entriesMoved, double entriesPerSecond, long entriesLeft, long cutovers, long cutoverP50Nanos,
            long cutoverP99Nanos, long cutoverMaxNanos) {
        this.slotsDone = slotsDone;
        this.slotsCancelled = slotsCancelled;
        this.slotsFailed = slotsFailed;
        this.slotsInFlight = slotsInFlight;
        this.slotsQueued = slotsQueued;
        this.entriesMoved = entriesMoved;
        this.entriesPerSecond = entriesPerSecond;
        this.entriesLeft = entriesLeft;
        this.cutovers = cutovers;
        this.cutoverP50Nanos = cutoverP50Nanos;
        this.cutoverP99Nanos = cutoverP99Nanos;
        this.cutoverMaxNanos = cutoverMaxNanos;
    }

    /** @return slots whose migration completed (the target owns them) */
    public long slotsDone() {
        return slotsDone;
    }

    /**
     * @return migrations cancelled before their cutover, and those dropped before they began because
     *     their target had left the grid meanwhile (the source kept the slot)
     */
    public long slotsCancelled() {
        return slotsCancelled;
    }

    /** @return migrations that failed before their cutover (the source kept the slot) */
    public long slotsFailed() {
        return slotsFailed;
    }

    /** @return migrations running now */
    public int slotsInFlight() {
        return slotsInFlight;
    }

    /** @return slots still to move: running and queued */
    public int slotsLeft() {
        return slotsInFlight + slotsQueued;
    }

    /** @return entries shipped to targets (snapshot copies and catch-up), every map */
    public long entriesMoved() {
        return entriesMoved;
    }

    /** @return the recent shipping rate, entries per second; 0 when idle */
    public double entriesPerSecond() {
        return entriesPerSecond;
    }

    /** @return an estimate of the entries the slots left still hold */
    public long entriesLeft() {
        return entriesLeft;
    }

    /**
     * The estimated time until the slots left have moved, from the entries left and the recent rate.
     *
     * @return the estimate, or empty when nothing is left or no rate is known yet
     */
    public Optional<Duration> eta() {
        if (slotsLeft() == 0) {
            return Optional.of(Duration.ZERO);
        }
        if (entriesPerSecond <= 0) {
            return Optional.empty();
        }
        return Optional.of(Duration.ofMillis((long) (1000.0 * entriesLeft / entriesPerSecond)));
    }

    /** @return cutovers measured (one per slot handed over) */
    public long cutovers() {
        return cutovers;
    }

    /** @return the median cutover window, nanoseconds (0 before the first) */
    public long cutoverP50Nanos() {
        return cutoverP50Nanos;
    }

    /** @return the 99th percentile cutover window, nanoseconds */
    public long cutoverP99Nanos() {
        return cutoverP99Nanos;
    }

    /** @return the longest cutover window, nanoseconds */
    public long cutoverMaxNanos() {
        return cutoverMaxNanos;
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT,
                "MigrationStats{done=%d, left=%d (in flight %d), cancelled=%d, failed=%d, entriesMoved=%d, %.0f entries/s,"
                        + " eta=%s, cutovers=%d, cutover p50=%dus p99=%dus max=%dus}",
                slotsDone, slotsLeft(), slotsInFlight, slotsCancelled, slotsFailed, entriesMoved, entriesPerSecond,
                eta().map(Duration::toString).orElse("?"), cutovers, cutoverP50Nanos / 1000, cutoverP99Nanos / 1000,
                cutoverMaxNanos / 1000);
    }
}
