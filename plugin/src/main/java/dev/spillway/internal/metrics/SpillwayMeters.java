package dev.spillway.internal.metrics;

import com.github.benmanes.caffeine.cache.Cache;
import dev.spillway.ScrubReport;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * Every meter Spillway records on a node, built in this one binder: names and tags are the constants below, and
 * a node without a registry records into an empty composite registry, which keeps nothing. Per-application meters
 * are tagged with the application up to a cap of distinct applications ({@link ApplicationTags}); the rest share
 * the tag {@value ApplicationTags#OTHER}.
 *
 * <p>Public for the node's assembly ({@code dev.spillway.plugin}) and the engine. Not API: see {@code
 * dev.spillway.internal}.
 */
public final class SpillwayMeters implements MeterBinder {
    /** Committed saves: from begin to commit, on the node the write session ran on. */
    public static final String SAVE = "spillway.checkpoint.save";
    /** Restores read through this node's engine (embedded and thick-client readers): from open to close. */
    public static final String RESTORE = "spillway.checkpoint.restore";
    /** Bytes of committed chunks, by where the primary copy went: {@code placement=local} or {@code spilled}. */
    public static final String BYTES = "spillway.checkpoint.bytes";
    /** Committed chunks, by placement as {@link #BYTES}. */
    public static final String CHUNKS = "spillway.checkpoint.chunks";
    /** Leases this node's ledger was asked for, by {@code outcome}: granted, refused (no room), lapsed. */
    public static final String LEASES = "spillway.reservation.leases";
    /** Bytes of the leases this node's ledger granted. */
    public static final String LEASED_BYTES = "spillway.reservation.bytes";
    /**
     * Saves refused for room, by {@code reason}: budget (no server has room), node-loss (N-1 safety) or metadata
     * (more chunks than the metadata region holds for one checkpoint).
     */
    public static final String REFUSALS = "spillway.capacity.refusals";
    /** Restores through this node that found a chunk failing verification. */
    public static final String INTEGRITY_FAILURES = "spillway.integrity.failures";
    /** Chunk copies the integrity scrub verified on this node. */
    public static final String SCRUB_CHUNKS = "spillway.scrub.chunks";
    /** Bytes of the chunk copies the scrub verified. */
    public static final String SCRUB_BYTES = "spillway.scrub.bytes";
    /** Damaged chunk copies the scrub found, by {@code outcome}: repaired or unrepaired. */
    public static final String SCRUB_DAMAGED = "spillway.scrub.damaged";
    /** Write sessions open on this node (thin clients' and embedded writers'). */
    public static final String SESSIONS = "spillway.write.sessions";
    /** The checkpoint region's bytes on this node: {@code spillway.region.budget}, {@code .used}, ... */
    public static final String REGION = "spillway.region";

    public static final String TAG_NODE = "node";
    public static final String TAG_APPLICATION = "application";
    public static final String TAG_PLACEMENT = "placement";
    public static final String TAG_OUTCOME = "outcome";
    public static final String TAG_REASON = "reason";

    /** Why a save was refused for room. */
    public enum Refusal {
        /** No server's budget had room for the chunks. */
        BUDGET("budget"),
        /** Room there was, but a single node's loss would overfill a survivor. */
        NODE_LOSS("node-loss"),
        /** The checkpoint has more chunks than the metadata region holds for one. */
        METADATA("metadata");

        final String tag;

        Refusal(String tag) {
            this.tag = tag;
        }
    }

    /** A node's region figures, read when a gauge is read. */
    public interface Region {
        long budget();

        long used();

        /** Region bytes of the chunk copies held here, as the catalogs count them ({@code NodeCapacity.liveBytes}). */
        long live();

        long reserved();

        long free();

        /** What can still be admitted N-1 safely on this node; {@code free()} when no loss is to be survived. */
        long safeHeadroom();

        /** The room the worst single loss would leave its fullest survivor, anywhere in the cluster. */
        long worstLossRoom();
    }

    /** A recorder that keeps nothing: for a node or client given no registry, and for tests. */
    public static final SpillwayMeters NONE = new SpillwayMeters("none", 0);

    private final String node;
    private final ApplicationTags applications;
    private volatile MeterRegistry registry;
    private volatile Counter leasesGranted;
    private volatile Counter leasesRefused;
    private volatile Counter leasesLapsed;
    private volatile Counter leasedBytes;
    /** What the scrub counters read ({@link #bindScrub}). */
    private volatile Supplier<ScrubReport> scrubTotals = () -> ScrubReport.NONE;

    /**
     * @param node the node's consistent id, the {@value #TAG_NODE} tag of every meter
     * @param applications the most distinct applications tagged by name
     */
    public SpillwayMeters(String node, int applications) {
        this.node = node;
        this.applications = new ApplicationTags(applications);
        bind(new CompositeMeterRegistry());
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        bind(registry);
    }

    private void bind(MeterRegistry r) {
        registry = r;
        leasesGranted = leases(r, "granted");
        leasesRefused = leases(r, "refused");
        leasesLapsed = leases(r, "lapsed");
        leasedBytes = Counter.builder(LEASED_BYTES).baseUnit("bytes").tags(nodeTags())
            .description("Bytes of the leases this node's capacity ledger granted").register(r);
    }

    private Counter leases(MeterRegistry r, String outcome) {
        return Counter.builder(LEASES).tags(nodeTags()).tag(TAG_OUTCOME, outcome)
            .description("Leases this node's capacity ledger was asked for, by outcome").register(r);
    }

    /** Gauges of the node's write sessions and checkpoint region, read from {@code region} when scraped. */
    public void bindNode(MeterRegistry r, Region region, IntSupplier sessions) {
        // Strong references: a gauge otherwise holds its object weakly, and these are held nowhere else.
        Gauge.builder(SESSIONS, sessions, IntSupplier::getAsInt).strongReference(true).tags(nodeTags())
            .description("Write sessions open on this node").register(r);
        regionGauge(r, region, "budget", Region::budget, "Bytes Spillway may fill: region max size x high-water mark");
        regionGauge(r, region, "used", Region::used, "Bytes of the checkpoint region in use, page overhead included");
        regionGauge(r, region, "live", Region::live,
            "Bytes of the chunk copies held here: falls at once on a delete, while used pages stay for reuse");
        regionGauge(r, region, "reserved", Region::reserved, "Bytes leased to writers and not yet released");
        regionGauge(r, region, "free", Region::free, "Bytes the budget has left after used and reserved");
        regionGauge(r, region, "safe.headroom", Region::safeHeadroom,
            "Bytes that can still be admitted here with any single node's loss survivable");
        regionGauge(r, region, "worst.loss.room", Region::worstLossRoom,
            "Room the worst single node loss would leave its fullest survivor, anywhere in the cluster");
    }

    private void regionGauge(MeterRegistry r, Region region, String name, ToDoubleFunction<Region> value,
                             String description) {
        Gauge.builder(REGION + "." + name, region, value).strongReference(true).baseUnit("bytes").tags(nodeTags())
            .description(description).register(r);
    }

    /** A committed save of {@code application}, which took {@code nanos}, and its chunks by placement. */
    public void saved(String application, long nanos, long localBytes, int localChunks, long spilledBytes,
                      int spilledChunks, long sharedBytes, int sharedChunks) {
        MeterRegistry r = registry;
        String app = applications.tag(application);
        Timer.builder(SAVE).tags(nodeTags()).tag(TAG_APPLICATION, app)
            .description("Committed saves, from begin to commit").publishPercentileHistogram()
            .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofMinutes(5))
            .register(r).record(nanos, TimeUnit.NANOSECONDS);
        placed(r, app, "local", localBytes, localChunks);
        placed(r, app, "spilled", spilledBytes, spilledChunks);
        placed(r, app, "shared", sharedBytes, sharedChunks);
    }

    private void placed(MeterRegistry r, String app, String placement, long bytes, int chunks) {
        Counter.builder(BYTES).baseUnit("bytes").tags(nodeTags()).tag(TAG_APPLICATION, app)
            .tag(TAG_PLACEMENT, placement).description("Bytes of committed chunks, by where the primary copy went "
                + "(shared: named, already stored)")
            .register(r).increment(bytes);
        Counter.builder(CHUNKS).tags(nodeTags()).tag(TAG_APPLICATION, app).tag(TAG_PLACEMENT, placement)
            .description("Committed chunks, by where the primary copy went (shared: named, already stored)")
            .register(r).increment(chunks);
    }

    /**
     * A restore of {@code application} read through this node, open for {@code nanos}, which found a chunk that
     * failed verification or not.
     */
    public void restored(String application, long nanos, boolean integrityFailure) {
        String app = applications.tag(application);
        Timer.builder(RESTORE).tags(nodeTags()).tag(TAG_APPLICATION, app)
            .description("Restores read through this node, from open to close").publishPercentileHistogram()
            .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofMinutes(5))
            .register(registry).record(nanos, TimeUnit.NANOSECONDS);
        if (integrityFailure) {
            Counter.builder(INTEGRITY_FAILURES).tags(nodeTags()).tag(TAG_APPLICATION, app)
                .description("Restores that found a chunk failing verification (length, CRC32C, missing)")
                .register(registry).increment();
        }
    }

    /**
     * Counters of what this node's integrity scrub has verified, damaged and repaired, read from {@code totals}.
     * A function counter holds its object weakly and, once that is collected, reads its last value for ever (a
     * method reference passed here is held nowhere else: the counters stayed at 0 on bench nodes), so the counters
     * read this binder, which the node holds, and it holds {@code totals}.
     */
    public void bindScrub(MeterRegistry r, Supplier<ScrubReport> totals) {
        scrubTotals = totals;
        FunctionCounter.builder(SCRUB_CHUNKS, this, m -> m.scrubTotals.get().chunks()).tags(nodeTags())
            .description("Chunk copies the integrity scrub verified on this node").register(r);
        FunctionCounter.builder(SCRUB_BYTES, this, m -> m.scrubTotals.get().bytes()).baseUnit("bytes")
            .tags(nodeTags()).description("Bytes of chunk copies the integrity scrub verified on this node")
            .register(r);
        FunctionCounter.builder(SCRUB_DAMAGED, this, m -> m.scrubTotals.get().repaired()).tags(nodeTags())
            .tag(TAG_OUTCOME, "repaired").description("Damaged chunk copies the scrub found, by outcome").register(r);
        FunctionCounter.builder(SCRUB_DAMAGED, this, m -> m.scrubTotals.get().unrepaired()).tags(nodeTags())
            .tag(TAG_OUTCOME, "unrepaired").description("Damaged chunk copies the scrub found, by outcome")
            .register(r);
    }

    /**
     * Counts the hits, misses and evictions of {@code cache} ({@code cache.gets{result=hit|miss}}, ... tagged
     * {@code cache=name}); the cache must record its statistics.
     */
    public void cache(String name, Cache<?, ?> cache) {
        CaffeineCacheMetrics.monitor(registry, cache, name, nodeTags());
    }

    /** A lease this node's ledger granted ({@code bytes} > 0) or refused (0). */
    public void leased(long bytes) {
        if (bytes > 0) {
            leasesGranted.increment();
            leasedBytes.increment(bytes);
        }
        else
            leasesRefused.increment();
    }

    /** Leases this node's ledger dropped because they lapsed or their writer left. */
    public void lapsed(int leases) {
        if (leases > 0)
            leasesLapsed.increment(leases);
    }

    /** A save of {@code application} refused for room. */
    public void refused(String application, Refusal reason) {
        Counter.builder(REFUSALS).tags(nodeTags()).tag(TAG_APPLICATION, applications.tag(application))
            .tag(TAG_REASON, reason.tag).description("Saves refused for room, by reason").register(registry)
            .increment();
    }

    private Tags nodeTags() {
        return Tags.of(TAG_NODE, node);
    }
}
