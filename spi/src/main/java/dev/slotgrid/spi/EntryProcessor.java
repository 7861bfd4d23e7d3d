package dev.slotgrid.spi;

/**
 * A function that runs on the owner of a key, inside the key's atomic update, found by its
 * {@link #name()} on every member: the form of {@code compute} that travels to another process
 * (a caller's lambda cannot). Registered with {@code SlotGrid.registerProcessor} or listed in
 * {@code META-INF/services/dev.slotgrid.spi.EntryProcessor}.
 *
 * <p>Contract: thread-safe and stateless (it runs concurrently for different keys on every member);
 * fast (other writers of the key's hash bin wait while it runs); a pure function of its arguments,
 * with no calls back into the grid. A processor that throws changes nothing; the exception reaches
 * the caller (across a process boundary as its type and message).
 *
 * @param <K> the key type
 * @param <V> the value type
 * @param <A> the argument type, which must be encodable by the grid's codecs to travel
 */
public interface EntryProcessor<K, V, A> extends Plugin {

    /**
     * Computes the entry's new value.
     *
     * @param key the key, as the caller gave it
     * @param current the current value, or {@code null} if the key is absent
     * @param argument the caller's argument, or {@code null}
     * @return the new value, or {@code null} to remove the entry (or leave it absent)
     */
    V process(K key, V current, A argument);
}
