package dev.slotgrid;

/**
 * A write whose outcome is unknown: it was sent to its owner, and the reply never came (the call
 * timed out, or the connection closed after the request was written). It may or may not have been
 * applied; it is never reported as failed when it may have succeeded. Read the key to find out, or
 * make the write idempotent (a {@code put} of the same value, a conditional {@code replace}) and
 * retry it. As Hazelcast's {@code IndeterminateOperationStateException}.
 */
public final class IndeterminateOperationException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    IndeterminateOperationException(String message, Throwable cause) {
        super(message, cause);
    }
}
