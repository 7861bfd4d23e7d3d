package dev.slotgrid;

/**
 * A write rejected by a unique GLOBAL index: it would give its key an index value that another
 * key holds. The write changed nothing.
 */
public final class UniqueIndexViolationException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String indexName;
    private final transient Object indexValue;

    UniqueIndexViolationException(String map, String indexName, Object indexValue, Object key, Object holder) {
        super("unique index '" + indexName + "' of map '" + map + "': value '" + indexValue + "' is already held by key '"
                + holder + "'; the write of key '" + key + "' was rejected and changed nothing");
        this.indexName = indexName;
        this.indexValue = indexValue;
    }

    /** The same violation rebuilt on the caller's side of a transport that copies replies. */
    UniqueIndexViolationException(String message, String indexName, Object indexValue) {
        super(message);
        this.indexName = indexName;
        this.indexValue = indexValue;
    }

    /** @return the unique index that rejected the write */
    public String indexName() {
        return indexName;
    }

    /** @return the index value another key holds */
    public Object indexValue() {
        return indexValue;
    }
}
