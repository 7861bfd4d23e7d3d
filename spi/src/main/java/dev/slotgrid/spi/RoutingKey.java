package dev.slotgrid.spi;

/**
 * Implemented by key types that name their own routing text, so that they can be used as keys
 * beside {@code String}, {@code byte[]}, boxed integers and {@code UUID}.
 *
 * <p>The slot of such a key is the slot of its routing text, exactly as if that text had been the
 * key: {@code {hash tags}} in it are honoured. Two keys with the same routing text share a slot but
 * remain distinct keys (equality is the key type's own {@code equals}).
 *
 * <p>Contract: {@link #routingKey()} is a pure function of the key's state, returns the same text
 * every time, and never returns {@code null}. A key whose routing text changes while it is stored
 * is lost to lookups, as with a mutable {@code HashMap} key. Implementations must also implement
 * {@code equals} and {@code hashCode} consistently.
 */
public interface RoutingKey {

    /**
     * The text this key is hashed by.
     *
     * @return the routing text, never {@code null}
     */
    String routingKey();
}
