package dev.slotgrid.spi;

/**
 * A value could not be encoded or decoded by a {@link Codecs} registry: no codec handles its
 * class, the allowlist refuses a class, a limit is exceeded, or the input is malformed (truncated,
 * unknown type tag, impossible length, garbage).
 *
 * <p>The message always names what was wrong (the class, the type tag, the length and the limit)
 * and, where the caller can fix it, how. It never contains the value itself, which may be large or
 * sensitive. Callers that know more (the grid knows the map name and the operation) prepend it with
 * {@link #withContext(String)} rather than building a new message.
 *
 * <p>An {@link IllegalArgumentException}: the bytes or the value handed in were bad. Nothing has
 * been written to an output when {@link Codecs#write(Object, java.io.DataOutput)} throws it; what an
 * input has consumed when a read throws it is unspecified, so a stream that delivered a malformed
 * value must be discarded (a network binding closes the connection).
 */
public final class CodecException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception.
     *
     * @param message what was wrong and, when the caller can fix it, how; not {@code null}
     */
    public CodecException(String message) {
        super(message);
    }

    /**
     * Creates an exception with the failure that caused it.
     *
     * @param message what was wrong and, when the caller can fix it, how; not {@code null}
     * @param cause the underlying failure, may be {@code null}
     */
    public CodecException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * Returns a copy of this exception whose message starts with {@code context}, for example
     * {@code "map 'orders', put: "} + this message. The copy keeps this exception's cause and stack
     * trace, so it points at the failure, not at the caller that added the context. Cost: one string
     * concatenation.
     *
     * @param context what the caller was doing, for example {@code "map 'orders', put"}; not
     *     {@code null}
     * @return a new exception with the message {@code context + ": " + getMessage()}
     * @throws NullPointerException if {@code context} is {@code null}
     */
    public CodecException withContext(String context) {
        if (context == null) {
            throw new NullPointerException("context must not be null");
        }
        CodecException copy = new CodecException(context + ": " + getMessage(), getCause());
        copy.setStackTrace(getStackTrace());
        for (Throwable suppressed : getSuppressed()) {
            copy.addSuppressed(suppressed);
        }
        return copy;
    }
}
