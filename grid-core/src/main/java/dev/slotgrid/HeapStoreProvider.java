package dev.slotgrid;

import dev.slotgrid.spi.StoreProvider;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The default {@link StoreProvider}, {@code "heap"}: one {@link ConcurrentHashMap} per slot of each
 * map, allocated on the first write (an empty one costs a few dozen bytes; its table is allocated
 * lazily). Thread-safe, stateless.
 */
public final class HeapStoreProvider implements StoreProvider {

    /** The name this provider is registered under. */
    public static final String NAME = "heap";

    /** Creates the provider; instances are interchangeable. */
    public HeapStoreProvider() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public ConcurrentMap<Object, Object> open(String mapName, int slot) {
        return new ConcurrentHashMap<>();
    }
}
