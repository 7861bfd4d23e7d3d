package dev.slotgrid.hotkey;

import dev.slotgrid.spi.Merger;

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
        return a + b;
    }
}
