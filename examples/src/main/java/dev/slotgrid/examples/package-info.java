/**
 * What users copy: the demo ({@code Demo}, the README's {@code ./demo}), a quickstart, and a
 * partitioner plugin registered through {@code META-INF/services} that keeps a tenant's keys in one
 * slot.
 */
package dev.slotgrid.examples;
