package dev.slotgrid;

/**
 * Many keys of one map for one owner, routed by the entry member's table at {@code epoch}: one
 * message per owner for {@code getAll} and {@code putAll}. The owner answers an {@code Object[]} of
 * results in key order, with {@link Reply.Reroute} for each key whose slot it does not serve now
 * (routed again on its own by the caller), so one moved slot does not fail the batch.
 */
sealed interface BatchRequest extends Request permits BatchRequest.GetBatch, BatchRequest.PutBatch {

    int mapId();

    long epoch();

    int[] slots();

    Object[] keys();

    /** The request for key {@code i} on its own. */
    KeyRequest single(int i);

    record GetBatch(int mapId, long epoch, int[] slots, Object[] keys) implements BatchRequest {
        public KeyRequest single(int i) {
            return new KeyRequest.Get(mapId, slots[i], epoch, keys[i], 0);
        }
    }

    record PutBatch(int mapId, long epoch, int[] slots, Object[] keys, Object[] values) implements BatchRequest {
        public KeyRequest single(int i) {
            return new KeyRequest.Put(mapId, slots[i], epoch, keys[i], 0, values[i]);
        }
    }
}
