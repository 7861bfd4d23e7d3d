/**
 * Hot-key mechanisms that know nothing of the cluster: heavy-hitter detection, salting schemes,
 * single-flight request coalescing, micro-batching and a near cache with TTL. {@code grid-core}
 * wires them in.
 */
package dev.slotgrid.hotkey;
