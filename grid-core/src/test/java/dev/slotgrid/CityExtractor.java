package dev.slotgrid;

import dev.slotgrid.spi.IndexExtractor;
import java.util.Collection;
import java.util.List;

/**
 * An extractor found through {@code META-INF/services}: the city of a {@code "city|age"} value.
 * Public with a no-argument constructor, as {@link java.util.ServiceLoader} requires.
 */
public final class CityExtractor implements IndexExtractor {

    /** For the service loader. */
    public CityExtractor() {
    }

    @Override
    public String name() {
        return "test-city";
    }

    @Override
    public Collection<?> extract(Object value) {
        String text = (String) value;
        int bar = text.indexOf('|');
        return bar < 0 ? List.of() : List.of(text.substring(0, bar));
    }
}
