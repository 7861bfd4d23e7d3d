package dev.slotgrid;

import java.util.Comparator;

/**
 * The order of index values in a LOCAL index: by class name first, then by the values' natural
 * order. Values of different classes (say {@code 5} and {@code 5L}) are different index values
 * and never compared with each other, so one index can never throw {@link ClassCastException}
 * because of another writer's value.
 */
final class IndexOrder implements Comparator<Object> {

    static final IndexOrder INSTANCE = new IndexOrder();

    private IndexOrder() {
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    @Override
    public int compare(Object a, Object b) {
        Class<?> ca = a.getClass();
        Class<?> cb = b.getClass();
        if (ca != cb) {
            return ca.getName().compareTo(cb.getName());
        }
        return ((Comparable) a).compareTo(b);
    }
}
