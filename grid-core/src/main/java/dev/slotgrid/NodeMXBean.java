package dev.slotgrid;

import java.util.Map;

/**
 * A node's statistics in JMX ({@code jconsole}: MBeans, {@code dev.slotgrid}, {@code Node}). Each
 * attribute read takes a fresh {@link NodeStats} snapshot.
 */
public interface NodeMXBean {

    /** @return the node's name */
    String getName();

    /** @return the node's id */
    int getId();

    /** @return the epoch of the slot table the node routes with */
    long getTableEpoch();

    /** @return operations executed as owner, all types */
    long getOperations();

    /** @return operations executed as owner, by type name */
    Map<String, Long> getOperationsByType();

    /** @return entries held, over every map */
    long getEntries();

    /** @return slots served */
    int getSlotsOwned();

    /** @return the slots served, as ranges ({@code 0-5460}) */
    String getSlotRanges();

    /** @return MOVED answers given */
    long getMovedReplies();

    /** @return redirects followed by calls entering through this node */
    long getRedirectsFollowed();

    /** @return cutover-window retries of calls entering through this node */
    long getTryAgainRetries();

    /** @return the ten hottest slots here, hottest first */
    int[] getHottestSlots();
}
