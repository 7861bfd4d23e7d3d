package dev.slotgrid;

/**
 * A grid's statistics in JMX ({@code jconsole}: MBeans, {@code dev.slotgrid}, {@code Grid}). Each
 * attribute read takes a fresh {@link GridStats} snapshot.
 */
public interface GridMXBean {

    /** @return the grid's name */
    String getName();

    /** @return the number of active nodes */
    int getNodeCount();

    /** @return the epoch of the grid's newest slot table */
    long getEpoch();

    /** @return operations executed by all nodes since start */
    long getOperations();

    /** @return entries held by all nodes */
    long getEntries();

    /** @return the load skew (max over mean of operations per node) since start */
    double getSkew();

    /** @return the skew's health band: HEALTHY, WARNING or CRITICAL */
    String getSkewBand();

    /** @return slot migrations completed since start */
    long getMigrationsDone();

    /** @return slot migrations running or queued */
    int getMigrationsLeft();

    /** @return entries shipped by migrations since start */
    long getMigrationEntriesMoved();

    /** @return the 99th percentile cutover window, microseconds */
    long getCutoverP99Micros();

    /** @return the longest cutover window, microseconds */
    long getCutoverMaxMicros();
}
