package dev.slotgrid;

import java.util.concurrent.CompletableFuture;

/**
 * A single-key asynchronous call waiting in an entry node's batch for one owner node (see
 * {@link GridNode#submit}); completed by whichever caller executes the batch.
 */
record AsyncRequest(OpType op, int mapId, int slot, Object key, Object a, Object b, CompletableFuture<Object> result) {
}
