/**
 * SlotGrid's core: an embedded grid of members sharing 16384 slots, its named maps, live slot
 * migration, hot-key handling, secondary indexes and queries.
 *
 * <p>The public API: {@link dev.slotgrid.SlotGrid} (built with {@link dev.slotgrid.SlotGridBuilder}),
 * {@link dev.slotgrid.GridNode}, {@link dev.slotgrid.GridMap}, {@link dev.slotgrid.GridQuery}, and
 * their stats, definitions and exceptions. Everything else in the package is package-private: the
 * members ({@code Member}) and their entry side ({@code Router}), the messages between them
 * ({@code Request} and its families, {@code Reply}), the transports that carry them, and the
 * control plane. docs/architecture.md in the repository shows who calls whom through which message.
 */
package dev.slotgrid;
