package dev.slotgrid;

/**
 * An exception of a type the grid cannot rebuild that a member threw while serving a request that
 * came through a transport that copies messages; it carries the original type's name and message.
 */
public final class RemoteFailureException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String remoteType;

    RemoteFailureException(String remoteType, String message) {
        super(remoteType + ": " + message);
        this.remoteType = remoteType;
    }

    /** @return the class name of the exception the member threw */
    public String remoteType() {
        return remoteType;
    }
}
