package dev.slotgrid.soak;

import dev.slotgrid.soak.HotKeyWatch.Action;
import dev.slotgrid.soak.HotKeyWatch.SkewWindows;
import java.util.List;
import java.util.Map;

/**
 * What the grid did about hot keys in a run, and what the checks allowed for it. Immutable.
 *
 * @param enabled whether the hot-key policy was on ({@code --hot-keys})
 * @param policy the policy as the grid prints it, or {@code "off"}
 * @param actions the actions seen, oldest first (at most {@link HotKeyWatch#MAX_ACTIONS_KEPT})
 * @param actionsByType actions seen by {@link dev.slotgrid.HotKeyAction.Type} name
 * @param actionsTotal actions seen
 * @param actionsMayBeMissing whether more actions happened between two polls than the grid keeps
 * @param skew the spike's skew before the grid acted on the celebrity and after ({@code null}: no spike)
 * @param skewBeforeSpike the median interval skew of the {@value #BASELINE_SECONDS} s before the spike (NaN: none)
 * @param nearCacheHits reads served from near-cache copies
 * @param nearCacheMisses reads of near-cached keys that went to the owner
 * @param coalescedReads reads that joined an identical read in flight
 * @param maxSaltedKeys the most keys salted at once
 * @param maxNearCachedKeys the most keys near-cached at once
 * @param nearCacheTtlMillis the near cache's TTL, the staleness the {@code kv} check allows on near-cached keys
 * @param staleReadsWithinTtl reads of near-cached keys older than the acknowledged value, allowed (within the TTL)
 * @param staleReadsUnverifiable the same, allowed because the age could not be bounded ({@link NearCacheAllowance})
 * @param celebrityCounterOps the celebrity counter's reads, {@code add}s and {@code merge}s, all checked
 * @param saltedCheckedAtQuiescence counters read exactly through every entry node while still salted after the load
 * @param secondsToNormal from the end of the load until no key was salted or near-cached (0: none was; NaN: not reached)
 * @param notes anything a reader must know to trust the figures
 */
public record HotKeyResult(boolean enabled, String policy, List<Action> actions, Map<String, Long> actionsByType,
        long actionsTotal, boolean actionsMayBeMissing, SkewWindows skew, double skewBeforeSpike, long nearCacheHits,
        long nearCacheMisses, long coalescedReads, int maxSaltedKeys, int maxNearCachedKeys, long nearCacheTtlMillis,
        long staleReadsWithinTtl, long staleReadsUnverifiable, Map<String, Long> celebrityCounterOps,
        long saltedCheckedAtQuiescence, double secondsToNormal, List<String> notes) {

    /** The window before the spike whose median skew is the baseline. */
    static final int BASELINE_SECONDS = 30;

    /** @return the actions on the celebrity's keys */
    List<Action> celebrityActions() {
        return actions.stream().filter(Action::celebrity).toList();
    }
}
