package dev.slotgrid;

/**
 * A call that met a slot whose data died with its owner: no copy of it survived (a clustered grid
 * without replicas loses what a dead member held). The slot has a new owner, which refuses every
 * call on it so that nothing reads as absent what was only lost, until an operator acknowledges the
 * loss ({@link SlotGrid#acknowledgeLostSlots()}); from then on it is served empty. Nothing was
 * changed by the call. The lost slots are listed in {@link GridStats#lostSlots()}.
 */
public final class SlotLostException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    SlotLostException(int slot, String member) {
        super("slot " + slot + " was lost with its owner (no copy survived); member '" + member + "' serves it again,"
                + " empty, once the loss is acknowledged (SlotGrid.acknowledgeLostSlots()); nothing was changed");
    }

    SlotLostException(String message) {
        super(message);
    }
}
