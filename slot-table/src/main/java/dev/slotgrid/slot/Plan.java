package dev.slotgrid.slot;

import java.util.List;

/**
 * The result of {@link PlacementPlanner#plan}: the moves from one table to its target.
 *
 * <p>Immutable. The target's registry holds the new members only; a node that leaves is still in
 * the current table's registry while its slots move.
 */
public final class Plan {

    private final SlotTable current;
    private final SlotTable target;
    private final List<Move> moves;

    Plan(SlotTable current, SlotTable target, List<Move> moves) {
        this.current = current;
        this.target = target;
        this.moves = List.copyOf(moves);
    }

    /**
     * The table the plan starts from.
     *
     * @return the current table
     */
    public SlotTable current() {
        return current;
    }

    /**
     * The table after every move, at the current epoch + 1.
     *
     * @return the target table
     */
    public SlotTable target() {
        return target;
    }

    /**
     * The moves in ascending slot order; empty when the layout is already fair.
     *
     * @return an immutable list
     */
    public List<Move> moves() {
        return moves;
    }

    @Override
    public String toString() {
        return "Plan{" + moves.size() + " moves, epoch " + current.epoch() + " -> " + target.epoch() + "}";
    }
}
