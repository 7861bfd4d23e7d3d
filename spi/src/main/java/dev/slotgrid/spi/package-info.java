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
 *   <li>{@link dev.slotgrid.spi.IndexExtractor}: value &rarr; index values, behind a secondary index;
 *   <li>{@link dev.slotgrid.spi.Codec}: one type &harr; bytes at a process boundary, with a stable
 *       type id; {@link dev.slotgrid.spi.Codecs} is the immutable registry that picks the codec of a
 *       value, writes its tag, and holds the built-in codecs (JDK value types, {@code RoutingKey}
 *       records) and the allowlisted Java serialization fallback; every failure is a
 *       {@link dev.slotgrid.spi.CodecException} naming what was wrong. Codecs are discovered from
 *       {@code META-INF/services/dev.slotgrid.spi.Codec} by {@link dev.slotgrid.spi.Codecs#defaults()};
 *       the built-in codecs are not listed there but belong to every registry, since they own the
 *       type ids SlotGrid reserves (zero and below).
 * </ul>
 *
 * <p>The test jar of this module ({@code <type>test-jar</type>}) holds
 * {@code dev.slotgrid.spi.CodecConformanceTest}, the suite every codec must pass; a plugin author
 * extends it for their own codec.
 *
 * <p>This module depends on the JDK only.
 */
package dev.slotgrid.spi;
