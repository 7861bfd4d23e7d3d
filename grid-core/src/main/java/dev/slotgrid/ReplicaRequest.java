package dev.slotgrid;

/**
 * Replication of a slot from its owner to its backups (docs/architecture.md, "Replicas").
 *
 * <p>Each owned slot with backups has one stream per owner epoch: batches numbered from 0, sent one
 * at a time (the next only after every backup answered the previous one), each carrying the current
 * value of every key written since the previous batch (or its removal). A backup applies a batch
 * only in order and only from the newest owner epoch it has seen for the slot; anything else it
 * refuses, which fences a cut-off owner.
 *
 * <p>A new copy joins a running stream ({@link Copy}): its first batch is marked {@code start} (the
 * copy begins at that batch's number), the owner then sends every entry of the slot through the
 * stream, and the batch after which the copy holds everything is marked {@code complete}. Only a
 * complete copy is ever promoted; the coordinator lists it in the table once the owner says so.
 */
sealed interface ReplicaRequest extends Request permits ReplicaRequest.Apply, ReplicaRequest.Copy,
        ReplicaRequest.StopCopy {

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
     * @param start whether this is the first batch a joining copy receives: it starts there
     * @param complete whether the joining copy holds every entry of the slot once it applied this batch
     * @param planned on a {@code start} batch, the epoch of the coordinator's table the copy was
     *     planned from ({@link Copy#planned}): the copy's member ignores what tables up to that epoch
     *     say of its listing (they predate the copy); {@code -1} otherwise
     */
    record Apply(int slot, int owner, long epoch, long seq, int[] mapIds, Object[] keys, Object[] values, boolean start,
            boolean complete, long planned) implements ReplicaRequest {
    }

    /**
     * The coordinator to a slot's owner: make a copy of the slot on {@code backup} through the
     * slot's stream, and answer once it is complete ({@code null}) or with {@link Refused}.
     *
     * @param slot the slot
     * @param backup the member that gets the copy
     * @param planned the epoch of the coordinator's table the copy was planned from: one that does
     *     not list {@code backup}; the owner refuses while its own table is older
     */
    record Copy(int slot, int backup, long planned) implements ReplicaRequest {
    }

    /**
     * The coordinator to a slot's owner and to {@code backup}: a copy it will not list after all
     * (the table changed under it); the owner stops streaming to it and the backup drops it.
     *
     * @param slot the slot
     * @param backup the member that was getting the copy
     */
    record StopCopy(int slot, int backup) implements ReplicaRequest {
    }

    /**
     * A member's answer to a batch for a slot of which it holds no copy because its table, newer
     * than the sender's, no longer lists it (the copy moved elsewhere, or the member leaves) while
     * it still names the sender the owner. Every backup that newer table lists got the batch too:
     * it was listed in the sender's older table, or it joined the stream as a complete copy that
     * the sender's table does not list yet. So the sender counts it as applied when its own table
     * is older than {@code epoch}, and as a refusal otherwise.
     *
     * @param slot the slot
     * @param epoch the epoch of the table on the answering member
     */
    record Retired(int slot, long epoch) {
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
