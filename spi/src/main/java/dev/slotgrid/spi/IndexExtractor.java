package dev.slotgrid.spi;

import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * Derives the index values of a stored value: the function behind a secondary index. Registered by
 * name so that every node of a grid has the same one: through {@link java.util.ServiceLoader}
 * ({@code META-INF/services/dev.slotgrid.spi.IndexExtractor}) or by handing an instance to the grid.
 *
 * <p>Contract:
 * <ul>
 *   <li>thread-safe and side-effect free: the grid calls it on writers' threads, inside the
 *       atomic update of the entry, and again later (the owner re-checks query candidates, the
 *       global index outbox re-reads values);
 *   <li>deterministic: equal values give equal index values, every time, on every node;
 *   <li>returns zero or more index values, never {@code null} inside the collection; duplicates
 *       count once. Values of a LOCAL index must be {@link Comparable} (the index is ordered);
 *       values of a GLOBAL index must be key types the grid's partitioner accepts (they are keys
 *       of the index's own map), and a unique GLOBAL index takes at most one value per entry;
 *   <li>cheap: it runs on the write path of every indexed map.
 * </ul>
 * An extractor that throws for a value makes the write of that value fail, with nothing changed.
 */
public interface IndexExtractor extends Plugin {

    /**
     * The index values of one stored value.
     *
     * @param value a value of the indexed map, never {@code null}
     * @return zero or more index values, none {@code null}; never {@code null} itself
     */
    Collection<?> extract(Object value);

    /**
     * An extractor with one index value per entry, or none when {@code function} returns
     * {@code null}.
     *
     * @param name the extractor's name
     * @param function from a stored value to its index value or {@code null}
     * @return the extractor
     * @throws NullPointerException if an argument is {@code null}
     * @throws IllegalArgumentException if {@code name} is blank
     */
    static IndexExtractor of(String name, Function<Object, ?> function) {
        requireName(name);
        Objects.requireNonNull(function, "extractor function must not be null");
        return new IndexExtractor() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Collection<?> extract(Object value) {
                Object indexValue = function.apply(value);
                return indexValue == null ? List.of() : List.of(indexValue);
            }

            @Override
            public String toString() {
                return "IndexExtractor{" + name + "}";
            }
        };
    }

    /**
     * An extractor with any number of index values per entry (tags, for example).
     *
     * @param name the extractor's name
     * @param function from a stored value to its index values; {@code null} means none
     * @return the extractor
     * @throws NullPointerException if an argument is {@code null}
     * @throws IllegalArgumentException if {@code name} is blank
     */
    static IndexExtractor ofMany(String name, Function<Object, ? extends Collection<?>> function) {
        requireName(name);
        Objects.requireNonNull(function, "extractor function must not be null");
        return new IndexExtractor() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Collection<?> extract(Object value) {
                Collection<?> values = function.apply(value);
                return values == null ? List.of() : values;
            }

            @Override
            public String toString() {
                return "IndexExtractor{" + name + "}";
            }
        };
    }

    private static void requireName(String name) {
        Objects.requireNonNull(name, "extractor name must not be null");
        if (name.isBlank()) {
            throw new IllegalArgumentException("extractor name must not be blank");
        }
    }
}
