package dev.slotgrid.spi;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeSet;

/**
 * Finds plugins by name through {@link ServiceLoader}.
 *
 * <p>Thread-safe and stateless: every call scans the class path of the given class loader again, so
 * callers look a plugin up once (at configuration time) and keep the instance. Cost: a class-path
 * scan, milliseconds; never call it on a hot path.
 */
public final class Plugins {

    private Plugins() {
    }

    /**
     * Returns a new instance of the plugin of the given contract registered under {@code name}.
     *
     * @param contract the plugin contract, for example {@code Partitioner.class}
     * @param name the plugin's {@link Plugin#name() name}
     * @param <T> the contract type
     * @return a plugin instance, never {@code null}
     * @throws NullPointerException if {@code contract} or {@code name} is {@code null}
     * @throws IllegalArgumentException if no plugin of that contract has that name; the message lists
     *     the names that are available
     * @throws IllegalStateException if two plugins of the contract claim the same name, or a
     *     registered plugin cannot be instantiated
     */
    public static <T extends Plugin> T load(Class<T> contract, String name) {
        Objects.requireNonNull(contract, "contract must not be null");
        Objects.requireNonNull(name, () -> contract.getSimpleName() + " name must not be null");
        T found = null;
        for (T plugin : loadAll(contract)) {
            if (name.equals(plugin.name())) {
                if (found != null) {
                    throw new IllegalStateException("two " + contract.getSimpleName() + " plugins are named '"
                            + name + "': " + found.getClass().getName() + " and " + plugin.getClass().getName());
                }
                found = plugin;
            }
        }
        if (found == null) {
            throw new IllegalArgumentException("no " + contract.getSimpleName() + " plugin named '" + name
                    + "'; available: " + String.join(", ", names(contract)));
        }
        return found;
    }

    /**
     * Returns the names of every plugin of the contract on the class path, sorted.
     *
     * @param contract the plugin contract
     * @return the sorted names; empty when none is registered
     * @throws NullPointerException if {@code contract} is {@code null}
     * @throws IllegalStateException if a registered plugin cannot be instantiated
     */
    public static List<String> names(Class<? extends Plugin> contract) {
        Objects.requireNonNull(contract, "contract must not be null");
        TreeSet<String> names = new TreeSet<>();
        for (Plugin plugin : loadAll(contract)) {
            names.add(plugin.name());
        }
        return List.copyOf(names);
    }

    private static <T extends Plugin> List<T> loadAll(Class<T> contract) {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        if (loader == null) {
            loader = contract.getClassLoader();
        }
        List<T> plugins = new ArrayList<>();
        try {
            for (T plugin : ServiceLoader.load(contract, loader)) {
                plugins.add(plugin);
            }
        } catch (ServiceConfigurationError e) {
            throw new IllegalStateException("a " + contract.getSimpleName() + " plugin could not be loaded: "
                    + e.getMessage(), e);
        }
        return plugins;
    }
}
