package dev.slotgrid.spi;

/**
 * How the parts of a salted value fold back into one value: sum for counters, union for sets.
 *
 * <p>A map declared mergeable with a merger lets SlotGrid split a write-hot key into parts placed
 * on different nodes: each write lands in one part, and a read folds every part with
 * {@link #merge}. Built-ins: {@code "long-sum"} and {@code "set-union"}; a user adds one through
 * {@code META-INF/services/dev.slotgrid.spi.Merger}.
 *
 * <p>Contract for implementations:
 * <ul>
 *   <li>{@link #merge} is associative and commutative, so that parts fold to the same value in any
 *       grouping and order; it must not mutate its arguments;
 *   <li>thread-safe and stateless; cheap: it runs on every write of a salted key and once per part
 *       on every read;
 *   <li>arguments and results are never {@code null}.
 * </ul>
 *
 * @param <V> the value type
 */
public interface Merger<V> extends Plugin {

    /**
     * Combines two values.
     *
     * @param a a value, not {@code null}
     * @param b another value, not {@code null}
     * @return their combination, not {@code null}; may be {@code a} or {@code b} itself
     */
    V merge(V a, V b);
}
