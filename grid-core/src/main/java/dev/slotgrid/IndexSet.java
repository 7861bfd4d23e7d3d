package dev.slotgrid;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The indexes of one map at one moment: immutable, replaced as a whole when an index is added. A
 * writer reads it once, inside writer admission, and maintains exactly those indexes.
 */
final class IndexSet {

    static final IndexSet NONE = new IndexSet(new IndexDef[0]);

    final IndexDef[] all;
    final IndexDef[] locals;
    final IndexDef[] globals;
    /** Whether a writer has unique values to claim ({@link IndexedWrite}). */
    final boolean hasUnique;

    private IndexSet(IndexDef[] all) {
        this.all = all;
        this.locals = Arrays.stream(all).filter(IndexDef::isLocal).toArray(IndexDef[]::new);
        this.globals = Arrays.stream(all).filter(d -> !d.isLocal()).toArray(IndexDef[]::new);
        this.hasUnique = Arrays.stream(globals).anyMatch(IndexDef::isUnique);
    }

    static IndexSet of(List<IndexDef> defs) {
        return defs.isEmpty() ? NONE : new IndexSet(defs.toArray(IndexDef[]::new));
    }

    /** The index with that id, or {@code null}. */
    IndexDef byId(int id) {
        for (IndexDef def : all) {
            if (def.id == id) {
                return def;
            }
        }
        return null;
    }

    boolean isEmpty() {
        return all.length == 0;
    }

    IndexSet with(IndexDef def) {
        IndexDef[] next = Arrays.copyOf(all, all.length + 1);
        next[all.length] = def;
        return new IndexSet(next);
    }

    IndexSet without(IndexDef def) {
        List<IndexDef> next = new ArrayList<>(Arrays.asList(all));
        next.remove(def);
        return new IndexSet(next.toArray(IndexDef[]::new));
    }

    /**
     * The ready index of this set named {@code indexName}.
     *
     * @throws IllegalArgumentException naming the map and the ready indexes, if there is none by that name
     */
    IndexDef requireReady(String mapName, String indexName) {
        IndexDef def = named(indexName);
        if (def == null || def.state != IndexDef.READY) {
            List<String> names = new ArrayList<>();
            for (IndexDef d : all) {
                if (d.state == IndexDef.READY) {
                    names.add(d.name());
                }
            }
            throw new IllegalArgumentException("map '" + mapName + "' has no " + (def == null ? "" : "ready ")
                    + "index named '" + indexName + "'; its indexes: " + names);
        }
        return def;
    }

    IndexDef named(String name) {
        for (IndexDef def : all) {
            if (def.name().equals(name)) {
                return def;
            }
        }
        return null;
    }
}
