package dev.slotgrid.soak;

import dev.slotgrid.GridMap;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;

/**
 * Wraps a {@link GridMap} so that a test can break chosen calls and forward the rest. A dynamic
 * proxy rather than a hand-written forwarder, so that methods added to {@code GridMap} later are
 * forwarded without touching the tests.
 */
final class ForwardingGridMap {

    /** What an {@link Interceptor} returns to let the call through to the real map. */
    static final Object FORWARD = new Object();

    /** Decides per call: a result of its own, or {@link #FORWARD}. */
    @FunctionalInterface
    interface Interceptor<K, V> {
        Object intercept(String method, Object[] args, GridMap<K, V> real);
    }

    private ForwardingGridMap() {
    }

    @SuppressWarnings("unchecked")
    static <K, V> GridMap<K, V> wrap(GridMap<K, V> real, Interceptor<K, V> interceptor) {
        return (GridMap<K, V>) Proxy.newProxyInstance(GridMap.class.getClassLoader(), new Class<?>[] {GridMap.class},
                (proxy, method, args) -> {
                    Object[] arguments = args == null ? new Object[0] : args;
                    Object result = interceptor.intercept(method.getName(), arguments, real);
                    if (result != FORWARD) {
                        return result;
                    }
                    try {
                        return method.invoke(real, arguments);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
