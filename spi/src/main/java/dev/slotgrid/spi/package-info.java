/**
 * The plugin contracts of SlotGrid and their discovery, nothing else.
 *
 * <p>Every extension point is a {@link dev.slotgrid.spi.Plugin}: it has a stable name and is found
 * by that name through {@link java.util.ServiceLoader} ({@link dev.slotgrid.spi.Plugins#load}). The
 * built-in implementations are registered exactly the way a user's plugin is, in
 * {@code META-INF/services/<contract's binary name>}.
 *
 * <ul>
 *   <li>{@link dev.slotgrid.spi.Partitioner}: key &rarr; slot in {@code [0, 16384)};
 *   <li>{@link dev.slotgrid.spi.StoreProvider}: the storage engine of one slot of one named map;
 *   <li>{@link dev.slotgrid.spi.RoutingKey}: implemented by key types that name their own routing text;
 *   <li>{@link dev.slotgrid.spi.IndexExtractor}: value &rarr; index values, behind a secondary index.
 * </ul>
 *
 * <p>This module depends on the JDK only.
 */
package dev.slotgrid.spi;
