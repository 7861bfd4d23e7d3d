package dev.slotgrid;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentMap;

/**
 * One member's share of an index check ({@link IndexRequest.VerifyLocalPart},
 * {@link IndexRequest.GlobalEntriesPart}): what the base entries in the slots it serves imply, and
 * what its index structures hold. Reads only; weakly consistent under writes.
 */
final class MemberIndexVerification {

    private MemberIndexVerification() {
    }

    static IndexRequest.LocalVerification local(Member member, IndexDef def, int[] slots) {
        long base = 0;
        long expectedPairs = 0;
        long missing = 0;
        long stale = 0;
        List<String> samples = new ArrayList<>();
        List<Integer> moved = new ArrayList<>();
        for (int slot : slots) {
            SlotStore store = member.store(slot);
            if (store == null || !SlotStore.readable(store.state())) {
                moved.add(slot);
                continue;
            }
            ConcurrentMap<Object, Object> map = store.readMap(def.mapId);
            Set<List<Object>> expected = new HashSet<>();
            if (map != null) {
                for (Map.Entry<Object, Object> entry : map.entrySet()) {
                    base++;
                    for (Object value : def.extract(entry.getValue())) {
                        expected.add(List.of(value, entry.getKey()));
                    }
                }
            }
            expectedPairs += expected.size();
            Set<List<Object>> actual = new HashSet<>();
            LocalIndex index = store.readLocalIndex(def.id);
            if (index != null) {
                for (Map.Entry<Object, Object[]> entry : index.entries()) {
                    for (Object key : entry.getValue()) {
                        actual.add(List.of(entry.getKey(), key));
                    }
                }
            }
            for (List<Object> pair : expected) {
                if (!actual.contains(pair)) {
                    missing++;
                    sample(samples, "slot " + slot + ": missing " + pair.get(0) + " -> " + ByteArrayKey.userForm(pair.get(1)));
                }
            }
            for (List<Object> pair : actual) {
                if (!expected.contains(pair)) {
                    stale++;
                    sample(samples, "slot " + slot + ": stale " + pair.get(0) + " -> " + ByteArrayKey.userForm(pair.get(1)));
                }
            }
        }
        return new IndexRequest.LocalVerification(base, expectedPairs, missing, stale, List.copyOf(samples), MemberIndexes.toArray(moved));
    }

    static IndexRequest.GlobalEntries global(Member member, IndexDef def, int[] slots) {
        long base = 0;
        long pendingClaims = 0;
        List<GlobalPair> implied = new ArrayList<>();
        List<GlobalPair> held = new ArrayList<>();
        List<Integer> moved = new ArrayList<>();
        for (int slot : slots) {
            SlotStore store = member.store(slot);
            if (store == null || !SlotStore.readable(store.state())) {
                moved.add(slot);
                continue;
            }
            ConcurrentMap<Object, Object> map = store.readMap(def.mapId);
            if (map != null) {
                for (Map.Entry<Object, Object> entry : map.entrySet()) {
                    base++;
                    for (Object value : def.extract(entry.getValue())) {
                        implied.add(new GlobalPair(ByteArrayKey.storedForm(value, true), new IndexRef(entry.getKey(), slot)));
                    }
                }
            }
            ConcurrentMap<Object, Object> entries = store.readMap(def.entriesMapId);
            if (entries != null) {
                for (Map.Entry<Object, Object> entry : entries.entrySet()) {
                    if (entry.getKey() instanceof GlobalPair pair) {
                        held.add(pair);
                    } else {
                        GlobalEntry claim = (GlobalEntry) entry.getValue();
                        pendingClaims += claim.pending() ? 1 : 0;
                        held.add(new GlobalPair(entry.getKey(), claim.holder()));
                    }
                }
            }
        }
        return new IndexRequest.GlobalEntries(base, implied, held, pendingClaims, MemberIndexes.toArray(moved));
    }

    private static void sample(List<String> samples, String text) {
        if (samples.size() < MemberIndexes.MAX_SAMPLES) {
            samples.add(text);
        }
    }
}
