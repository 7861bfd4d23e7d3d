package dev.slotgrid;

import java.util.concurrent.CompletableFuture;

/**
 * A single-key asynchronous call waiting in an entry member's batch for one owner (see
 * {@link Router#submit}); completed by whichever caller executes the batch.
 *
 * @param request the request, built for the entry member's table
 * @param natural the key's own slot
 * @param result completed with the request's value or failure
 */
record AsyncRequest(KeyRequest request, int natural, CompletableFuture<Object> result) {
}
