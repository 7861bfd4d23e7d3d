package dev.slotgrid;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntFunction;

/**
 * A binding that applies a {@link FaultInjector}'s rules to every request, then hands it to the
 * binding it wraps. A member's name is looked up when a rule exists. A clustered member's
 * transport knows its own name (the sender of everything it sends), so partitions apply to it.
 */
final class FaultyTransport implements Transport {

    private final Transport delegate;
    private final FaultInjector faults;
    private final IntFunction<String> memberName;
    /** The member that sends everything through this transport; {@code null} for an embedded grid's shared one. */
    private final String sender;

    FaultyTransport(Transport delegate, FaultInjector faults, IntFunction<String> memberName) {
        this(delegate, faults, memberName, null);
    }

    FaultyTransport(Transport delegate, FaultInjector faults, IntFunction<String> memberName, String sender) {
        this.delegate = delegate;
        this.faults = faults;
        this.memberName = memberName;
        this.sender = sender;
    }

    /** Throws if a partition cuts this transport's member off from the receiver. */
    private void crossing(int memberId, Request request) {
        if (sender != null) {
            String receiver = memberName.apply(memberId);
            if (!sender.equals(receiver) && faults.cut(sender, receiver)) {
                throw new MemberUnavailableException("member '" + receiver + "' could not be reached from '" + sender
                        + "' for " + request.getClass().getSimpleName() + ": a partition made by fault injection cuts them off");
            }
        }
    }

    @Override
    public void bind(int memberId, Endpoint endpoint) {
        delegate.bind(memberId, endpoint);
    }

    /** {@code true} if the request is to be dropped; waits out the delays first. */
    private boolean dropped(int memberId, Request request) {
        FaultInjector.Rule[] rules = faults.matching(memberName.apply(memberId), request);
        boolean drop = false;
        for (FaultInjector.Rule rule : rules) {
            if (rule.drop()) {
                drop = true;
            } else if (rule.duplicateAfterNanos() >= 0) {
                continue; // after the delivery: duplicateLater
            } else {
                long end = System.nanoTime() + rule.delayNanos();
                for (long left = rule.delayNanos(); left > 0 && !Thread.currentThread().isInterrupted();
                        left = end - System.nanoTime()) {
                    LockSupport.parkNanos(left); // the injected delay itself, not a wait for a condition
                }
            }
        }
        return drop;
    }

    /** Delivers the request again after each matching duplicate rule's delay; the answers are dropped. */
    private void duplicateLater(int memberId, Request request) {
        for (FaultInjector.Rule rule : faults.matching(memberName.apply(memberId), request)) {
            if (rule.duplicateAfterNanos() >= 0) {
                CompletableFuture.delayedExecutor(rule.duplicateAfterNanos(), TimeUnit.NANOSECONDS).execute(() -> {
                    try {
                        delegate.send(memberId, request);
                    } catch (RuntimeException ignored) {
                        // the duplicate's fate is not the sender's concern
                    }
                });
            }
        }
    }

    private static Object lost(int memberId, Request request) {
        if (request instanceof ControlRequest || request instanceof HotKeyRequest) {
            return null; // lost silently: the member keeps what it had
        }
        throw new IllegalStateException(request.getClass().getSimpleName() + " to member " + memberId
                + " was dropped by fault injection");
    }

    @Override
    public Object call(int memberId, Request request) {
        crossing(memberId, request);
        if (dropped(memberId, request)) {
            return lost(memberId, request);
        }
        try {
            return delegate.call(memberId, request);
        } finally {
            duplicateLater(memberId, request);
        }
    }

    @Override
    public CompletableFuture<Object> send(int memberId, Request request) {
        try {
            crossing(memberId, request);
            if (dropped(memberId, request)) {
                return CompletableFuture.completedFuture(lost(memberId, request));
            }
            CompletableFuture<Object> reply = delegate.send(memberId, request);
            duplicateLater(memberId, request);
            return reply;
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public boolean carriesReferences() {
        return delegate.carriesReferences();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
