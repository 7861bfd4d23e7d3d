package dev.slotgrid;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntFunction;

/**
 * A binding that applies a {@link FaultInjector}'s rules to every request, then hands it to the
 * binding it wraps. A member's name is looked up when a rule exists.
 */
final class FaultyTransport implements Transport {

    private final Transport delegate;
    private final FaultInjector faults;
    private final IntFunction<String> memberName;

    FaultyTransport(Transport delegate, FaultInjector faults, IntFunction<String> memberName) {
        this.delegate = delegate;
        this.faults = faults;
        this.memberName = memberName;
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

    private static Object lost(int memberId, Request request) {
        if (request instanceof ControlRequest || request instanceof HotKeyRequest) {
            return null; // lost silently: the member keeps what it had
        }
        throw new IllegalStateException(request.getClass().getSimpleName() + " to member " + memberId
                + " was dropped by fault injection");
    }

    @Override
    public Object call(int memberId, Request request) {
        if (dropped(memberId, request)) {
            return lost(memberId, request);
        }
        return delegate.call(memberId, request);
    }

    @Override
    public CompletableFuture<Object> send(int memberId, Request request) {
        try {
            return dropped(memberId, request) ? CompletableFuture.completedFuture(lost(memberId, request))
                    : delegate.send(memberId, request);
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
