package dev.slotgrid;

/**
 * A call that could not be served because the member it needed was not reachable: no connection
 * could be opened, the member was not known (left, or gone), too many requests to it were in
 * flight, or a read got no reply in time. Nothing was changed by it (a write whose reply was lost
 * is an {@link IndeterminateOperationException} instead). Retrying after the grid has noticed the
 * member's departure (its failure detector's timeout) may succeed. A member that refuses because it
 * holds no majority of its grid throws the subclass {@link NoMajorityException}.
 */
public sealed class MemberUnavailableException extends RuntimeException permits NoMajorityException {

    private static final long serialVersionUID = 1L;

    MemberUnavailableException(String message) {
        super(message);
    }

    MemberUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
