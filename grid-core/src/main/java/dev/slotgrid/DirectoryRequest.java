package dev.slotgrid;

/**
 * The key directory's steps to move one key between slots (pin and unpin; see {@link KeyDirectory}),
 * sent to the owner of the slot the key leaves.
 */
sealed interface DirectoryRequest extends Request permits DirectoryRequest.SealForKeyMove, DirectoryRequest.UnsealAfterKeyMove {

    /**
     * OWNED becomes SEALED (writers retry), the writers inside are waited for, and the key's value is
     * read. Replies a {@link SealedValue}; {@code sealed} false if the slot is not OWNED here (it is
     * migrating, or moved: ask its owner again).
     */
    record SealForKeyMove(int slot, int mapId, Object key, long timeoutNanos) implements DirectoryRequest {
    }

    /** The key's value when its old slot was sealed, or {@code null} if it had none. */
    record SealedValue(boolean sealed, Object value) {
    }

    /**
     * SEALED becomes OWNED again, fencing writes routed before {@code epoch} (0: the epoch is
     * unchanged, nothing was published). Replies {@code null}.
     */
    record UnsealAfterKeyMove(int slot, long epoch) implements DirectoryRequest {
    }
}
