package dev.slotgrid.hotkey;

import dev.slotgrid.spi.Merger;
import java.util.Objects;

/** The {@code "long-sum"} merger: counters. {@code merge(a, b) == a + b}. Thread-safe, stateless. */
public final class LongSumMerger implements Merger<Long> {

    /** The name this merger is registered under. */
    public static final String NAME = "long-sum";

    /** Creates the merger; instances are interchangeable. */
    public LongSumMerger() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Long merge(Long a, Long b) {
        Objects.requireNonNull(a, "long-sum: a must not be null");
        Objects.requireNonNull(b, "long-sum: b must not be null");
        return a + b;
    }
}
