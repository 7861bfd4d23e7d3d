package dev.slotgrid;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * One request to many members at once: it is sent to every one before any answer is awaited, so
 * a fan-out over a network costs about one round trip instead of one per member. The in-JVM
 * binding answers each send at once, in member order, as a loop of calls would.
 */
final class Fanout {

    private Fanout() {
    }

    /**
     * Sends {@code request} to every member in {@code members} and waits for every answer (each
     * bounded by the transport's call timeout).
     *
     * @return the members whose call failed, in member order, each with its failure (empty if all answered)
     */
    static Map<Integer, RuntimeException> send(Transport transport, List<Integer> members, Request request) {
        List<CompletableFuture<Object>> answers = new ArrayList<>(members.size());
        for (int member : members) {
            try {
                answers.add(transport.send(member, request));
            } catch (RuntimeException e) {
                answers.add(CompletableFuture.failedFuture(e));
            }
        }
        Map<Integer, RuntimeException> failed = new LinkedHashMap<>();
        for (int i = 0; i < answers.size(); i++) {
            try {
                answers.get(i).join();
            } catch (CompletionException e) {
                failed.put(members.get(i), e.getCause() instanceof RuntimeException cause ? cause : e);
            } catch (CancellationException e) {
                failed.put(members.get(i), e);
            }
        }
        return failed;
    }

    /** Whether a failure says the member could not be reached (rather than that it refused the request). */
    static boolean unreachable(RuntimeException failure) {
        return failure instanceof MemberUnavailableException || failure instanceof IndeterminateOperationException;
    }
}
