package dev.slotgrid;

/**
 * Replication of a slot from its owner to its backups (docs/architecture.md, "Replicas").
 *
 * <p>Each owned slot with backups has one stream per owner epoch: batches numbered from 0, sent one
 * at a time (the next only after every backup answered the previous one), each carrying the current
 * value of every key written since the previous batch (or its removal). A backup applies a batch
 * only in order and only from the newest owner epoch it has seen for the slot; anything else it
 * refuses, which fences a cut-off owner.
 */
sealed interface ReplicaRequest extends Request permits ReplicaRequest.Apply {

    /** @return the slot */
    int slot();

    /**
     * One batch of a slot's stream.
     *
     * @param slot the slot
     * @param owner the sending owner's member id
     * @param epoch the epoch at which the owner took the slot: its stream's epoch
     * @param seq the batch's number in that stream, from 0
     * @param mapIds each entry's map
     * @param keys each entry's key
     * @param values each entry's value, {@code null} for a removal
     */
    record Apply(int slot, int owner, long epoch, long seq, int[] mapIds, Object[] keys, Object[] values)
            implements ReplicaRequest {
    }

    /**
     * A backup's answer to a batch it did not apply.
     *
     * @param slot the slot
     * @param epoch the newest owner epoch the backup has seen for the slot
     * @param why what was wrong, for the owner's error
     */
    record Refused(int slot, long epoch, String why) {
    }
}
