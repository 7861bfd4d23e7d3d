package dev.slotgrid;

/**
 * The outcomes of a request other than its value, as data (docs/architecture.md): the closed set a
 * {@link Router} acts on, as Redis names them ({@code MOVED}, {@code TRYAGAIN}) plus the epoch
 * fence. A value is not wrapped: a transport returns the callee's result itself, or one of these.
 * No user value can be a {@code Reply}: the type is private to the grid.
 *
 * <p>Every outcome of a routed request:
 * <ul>
 *   <li>a value: the request ran on the owner;
 *   <li>{@link Moved}: the member does not serve the slot; it names the owner it knows and the epoch
 *       of that knowledge ({@code owner} -1 if it knows none). Refresh the table, go there;
 *   <li>{@link TryAgain}: the slot is in its cutover window (writers only): back off and retry;
 *   <li>{@link Fenced}: a write routed with an epoch older than the slot's last handover here:
 *       refresh and re-route with at least {@code epoch};
 *   <li>{@link Failure}: the request failed on the callee; a transport that copies replies turns it
 *       back into an exception on the caller's side (the in-JVM binding lets the exception itself
 *       propagate);
 *   <li>{@link Reroute}: inside a batch's results only: this key must be routed on its own.
 * </ul>
 */
sealed interface Reply permits Reply.Moved, Reply.TryAgain, Reply.Fenced, Reply.Failure, Reply.Reroute {

    /** The member does not serve {@code slot}; {@code owner} is who does as of {@code epoch}, or -1. */
    record Moved(int slot, int owner, long epoch) implements Reply {
    }

    /** {@code slot} is sealed for its cutover: retry shortly. */
    record TryAgain(int slot) implements Reply {
    }

    /** The write was routed with an epoch older than {@code epoch}, at which {@code slot} changed here. */
    record Fenced(int slot, long epoch) implements Reply {
    }

    /**
     * A request that failed on its callee, for the wire: the exception's class name and message, and
     * for a {@link UniqueIndexViolationException} its fields.
     */
    record Failure(String type, String message, String index, Object value) implements Reply {

        static Failure of(Throwable failure) {
            if (failure instanceof UniqueIndexViolationException unique) {
                return new Failure(failure.getClass().getName(), failure.getMessage(), unique.indexName(), unique.indexValue());
            }
            return new Failure(failure.getClass().getName(), String.valueOf(failure.getMessage()), null, null);
        }

        /** The exception to throw on the caller's side: the same type where the grid knows it. */
        RuntimeException toException() {
            switch (type) {
                case "java.lang.IllegalArgumentException":
                    return new IllegalArgumentException(message);
                case "java.lang.IllegalStateException":
                    return new IllegalStateException(message);
                case "java.lang.NullPointerException":
                    return new NullPointerException(message);
                case "java.lang.UnsupportedOperationException":
                    return new UnsupportedOperationException(message);
                case "java.lang.ClassCastException":
                    return new ClassCastException(message);
                case "java.lang.ArithmeticException":
                    return new ArithmeticException(message);
                case "java.util.concurrent.CancellationException":
                    return new java.util.concurrent.CancellationException(message);
                case "dev.slotgrid.spi.CodecException":
                    return new dev.slotgrid.spi.CodecException(message);
                case "dev.slotgrid.UniqueIndexViolationException":
                    return new UniqueIndexViolationException(message, index, value);
                case "dev.slotgrid.IndeterminateOperationException":
                    return new IndeterminateOperationException(message, null);
                case "dev.slotgrid.NoMajorityException":
                    return new NoMajorityException(message);
                case "dev.slotgrid.MemberUnavailableException":
                    return new MemberUnavailableException(message);
                case "dev.slotgrid.SlotLostException":
                    return new SlotLostException(message);
                default:
                    return new RemoteFailureException(type, message);
            }
        }
    }

    /** In a batch's results: the key's slot is not served here right now; route it on its own. */
    record Reroute() implements Reply {
    }
}
