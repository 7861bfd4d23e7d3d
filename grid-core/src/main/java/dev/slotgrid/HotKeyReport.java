package dev.slotgrid;

/**
 * A hot key as one node sees it.
 *
 * @param nodeName the node that executed the key's operations
 * @param mapName the key's map
 * @param key the key, as stored ({@code byte[]} keys appear wrapped)
 * @param opsPerSecond estimated operations per second on the key at that node
 * @param share estimated share of that node's operations
 * @param readFraction share of reads among them
 * @param handling what is done about it now: {@code "none"}, {@code "near-cache"} or {@code "salted(S)"}
 */
public record HotKeyReport(String nodeName, String mapName, Object key, double opsPerSecond, double share,
        double readFraction, String handling) {
}
