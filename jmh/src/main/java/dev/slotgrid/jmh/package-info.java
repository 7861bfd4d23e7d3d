/**
 * JMH benchmarks of SlotGrid beside its peers: key slot hashing, and single-key map operations
 * against {@code ConcurrentHashMap}, Hazelcast's embedded {@code IMap} and Chronicle Map in one run.
 * How to run them and the published results: {@code docs/benchmarks.md}.
 */
package dev.slotgrid.jmh;
