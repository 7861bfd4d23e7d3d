package dev.slotgrid;

/**
 * A clustered member refused a read or a write because no majority of its grid's members has
 * confirmed it within its lease: it may be on the minority side of a network split, or it was
 * paused, and the majority may already serve its slots elsewhere. Nothing was read or changed. Like
 * Infinispan's {@code DENY_READ_WRITES}: the member serves again as soon as a majority confirms it;
 * if the majority has declared it dead meanwhile, it is expelled instead. A caller may retry through
 * another member.
 */
public final class NoMajorityException extends MemberUnavailableException {

    private static final long serialVersionUID = 1L;

    NoMajorityException(String message) {
        super(message);
    }
}
