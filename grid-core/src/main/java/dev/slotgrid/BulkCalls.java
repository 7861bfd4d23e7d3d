package dev.slotgrid;

import dev.slotgrid.slot.SlotTable;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * {@code getAll} and {@code putAll} of a {@link RoutedMap}: one {@link BatchRequest} per owner.
 * Every key is checked before anything is sent; a key whose slot moved meanwhile comes back
 * {@link Reply.Reroute} and is routed on its own. Atomic per key only. Thread-safe.
 */
final class BulkCalls<K, V> {

    private final RoutedMap<K, V> map;
    private final Cluster cluster;
    private final Member entry;
    private final Router router;
    private final MemberHotKeys hotKeys;
    private final int mapId;

    BulkCalls(RoutedMap<K, V> map, Cluster cluster, Member entry, int mapId) {
        this.map = map;
        this.cluster = cluster;
        this.entry = entry;
        this.router = entry.router();
        this.hotKeys = entry.hotKeys();
        this.mapId = mapId;
    }

    @SuppressWarnings("unchecked")
    Map<K, V> getAll(Collection<? extends K> keys) {
        Objects.requireNonNull(keys, "keys must not be null");
        List<K> list = Require.noNulls(new ArrayList<K>(keys), "keys"); // a snapshot, checked before anything runs
        Object[] results = executeGrouped(list, null);
        Map<K, V> found = new HashMap<>();
        for (int i = 0; i < results.length; i++) {
            if (results[i] != null) {
                found.put(list.get(i), (V) results[i]);
            }
        }
        return found;
    }

    void putAll(Map<? extends K, ? extends V> entries) {
        Objects.requireNonNull(entries, "entries must not be null");
        List<K> keys = new ArrayList<>(entries.size());
        List<Object> values = new ArrayList<>(entries.size());
        for (Map.Entry<? extends K, ? extends V> e : entries.entrySet()) {
            K key = e.getKey();
            V value = e.getValue();
            if (key == null) {
                throw new NullPointerException("putAll: entries must not contain a null key");
            }
            if (value == null) {
                throw new NullPointerException("putAll: the value of key '" + Require.describe(key) + "' must not be null");
            }
            keys.add(key);
            values.add(value);
        }
        executeGrouped(keys, values.toArray()); // checks every key's type before it stores any
    }

    /**
     * Runs a get ({@code values == null}) or a put per key, one {@link BatchRequest} per owner as the
     * entry member's table names them. Every key is checked before anything runs. A key whose slot
     * moved meanwhile comes back {@link Reply.Reroute} and is routed on its own.
     */
    private Object[] executeGrouped(List<? extends K> keys, Object[] values) {
        int n = keys.size();
        boolean write = values != null;
        int[] slots = new int[n];
        for (int i = 0; i < n; i++) {
            slots[i] = entry.config().slotOf(keys.get(i));
        }
        cluster.requireOpen();
        Object[] results = new Object[n];
        if (hotKeys.state(mapId) != null) {
            // hot keys need their own path (folds, near caches, invalidations): key by key, after checks
            for (int i = 0; i < n; i++) {
                results[i] = write ? map.put(keys.get(i), castValue(values[i])) : map.get(keys.get(i));
            }
            return results;
        }
        Object[] stored = new Object[n];
        for (int i = 0; i < n; i++) {
            stored[i] = ByteArrayKey.storedForm(keys.get(i), write);
        }
        SlotTable table = router.table();
        Map<Integer, List<Integer>> byOwner = new HashMap<>();
        for (int i = 0; i < n; i++) {
            // a pinned key meets its natural slot's owner, which sends it back (Reroute) to be routed on its own
            byOwner.computeIfAbsent(table.ownerOf(slots[i]), owner -> new ArrayList<>()).add(i);
        }
        router.batches.add(byOwner.size());
        router.batchedRequests.add(n);
        for (Map.Entry<Integer, List<Integer>> batch : byOwner.entrySet()) {
            List<Integer> indexes = batch.getValue();
            int[] batchSlots = new int[indexes.size()];
            Object[] batchKeys = new Object[indexes.size()];
            Object[] batchValues = write ? new Object[indexes.size()] : null;
            for (int j = 0; j < batchSlots.length; j++) {
                int i = indexes.get(j);
                batchSlots[j] = slots[i];
                batchKeys[j] = stored[i];
                if (write) {
                    batchValues[j] = values[i];
                }
            }
            BatchRequest request = write ? new BatchRequest.PutBatch(mapId, table.epoch(), batchSlots, batchKeys, batchValues)
                    : new BatchRequest.GetBatch(mapId, table.epoch(), batchSlots, batchKeys);
            Object[] answers = (Object[]) router.ask(batch.getKey(), request);
            for (int j = 0; j < answers.length; j++) {
                int i = indexes.get(j);
                results[i] = answers[j] instanceof Reply.Reroute
                        ? router.route(retarget(request.single(j), slots[i]), slots[i]) : answers[j];
            }
        }
        return results;
    }

    /** A batch's key re-routed on its own from the member's current table. */
    private KeyRequest retarget(KeyRequest single, int natural) {
        SlotTable table = router.table();
        int slot = Router.pinned(table, mapId, single.key(), natural);
        return single.to(slot, table.epoch(), Router.pinFlags(slot, natural));
    }

    @SuppressWarnings("unchecked")
    private V castValue(Object value) {
        return (V) value;
    }
}
