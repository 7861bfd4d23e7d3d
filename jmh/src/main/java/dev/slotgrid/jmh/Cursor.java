package dev.slotgrid.jmh;

import java.util.concurrent.ThreadLocalRandom;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * A thread's position in a {@link Workload}'s key sequence. Each thread starts at a random place,
 * so two threads do not hit the same keys in lock-step. Not shared: one per thread.
 */
@State(Scope.Thread)
public class Cursor {

    private int next;

    /** Picks the starting place. */
    @Setup(Level.Trial)
    public void start() {
        next = ThreadLocalRandom.current().nextInt(KeySets.SEQUENCE_LENGTH);
    }

    /** @return the next step of the sequence, wrapping around */
    int advance() {
        return next++ & KeySets.SEQUENCE_MASK;
    }
}
