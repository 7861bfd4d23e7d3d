package dev.slotgrid.spi;

/**
 * An extension point of SlotGrid found by name through {@link java.util.ServiceLoader}.
 *
 * <p>Implementations must be public, have a public no-argument constructor (or a static
 * {@code provider()} method) and be listed in {@code META-INF/services/} under the binary name of the
 * contract they implement (for example {@code dev.slotgrid.spi.Partitioner}), not under this type.
 */
public interface Plugin {

    /**
     * The name the plugin is selected by, for example {@code "crc16"}. Stable across releases, unique
     * among the plugins of one contract, never {@code null}. Case-sensitive.
     *
     * @return the plugin's name
     */
    String name();
}
