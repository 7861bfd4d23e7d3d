package dev.slotgrid;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads a copying transport serves requests on. A key request runs on the stripe of its slot
 * (one thread per stripe), so that requests for one slot from one connection run in the order they
 * were sent: pipelined async calls keep their order per key, as they do in one JVM. Everything
 * else (control, migration, index, query requests, some of which wait by design) runs on a pool
 * that grows as needed, so that a waiting request never holds up one that would end its wait.
 *
 * <p>A key request may wait only for what a request on the pool provides (a global index's outbox
 * drains through {@link IndexKeyRequest}s, which the pool serves), so stripes cannot wait on each
 * other. Thread-safe.
 */
final class ServingThreads {

    private static final int STRIPES = 8;

    private final ExecutorService pool;
    private final ExecutorService[] stripes = new ExecutorService[STRIPES];

    ServingThreads(String owner) {
        AtomicInteger n = new AtomicInteger();
        this.pool = Executors.newCachedThreadPool(task -> daemon(task, "slotgrid-" + owner + "-handler-" + n.incrementAndGet()));
        for (int i = 0; i < STRIPES; i++) {
            String name = "slotgrid-" + owner + "-keys-" + i;
            stripes[i] = Executors.newSingleThreadExecutor(task -> daemon(task, name));
        }
    }

    private static Thread daemon(Runnable task, String name) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        return thread;
    }

    /** Runs {@code task}, which serves {@code request}: on its slot's stripe for a key request, else on the pool. */
    void execute(Request request, Runnable task) {
        if (request instanceof KeyRequest key) {
            stripes[key.slot() % STRIPES].execute(task);
        } else {
            pool.execute(task);
        }
    }

    void shutdownNow() {
        pool.shutdownNow();
        for (ExecutorService stripe : stripes) {
            stripe.shutdownNow();
        }
    }
}
