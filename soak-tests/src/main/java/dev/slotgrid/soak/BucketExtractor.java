package dev.slotgrid.soak;

import dev.slotgrid.spi.IndexExtractor;
import java.util.Collection;
import java.util.List;

/**
 * The soak's index extractor ({@code soak-bucket}: a value's bucket, {@link IndexCheck#bucketOf}),
 * a plugin found through {@code META-INF/services}, so that every member finds it by name, the
 * member processes of a cross-process soak included. Stateless; thread-safe.
 */
public final class BucketExtractor implements IndexExtractor {

    @Override
    public String name() {
        return IndexCheck.EXTRACTOR;
    }

    @Override
    public Collection<?> extract(Object value) {
        Integer bucket = value instanceof String text ? IndexCheck.bucketOf(text) : null;
        return bucket == null ? List.of() : List.of(bucket);
    }
}
