package dev.spillway.internal.store;

import dev.spillway.wire.Manifest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One application's entry in the catalog cache: the last id handed out, the committed manifests (oldest first),
 * and the claims on checkpoints being written ({@code pending}) or removed ({@code deleting}). Changed only by the
 * entry processors in {@link Catalog}, so every change is atomic.
 */
final class AppCatalog {
    long lastId;
    List<Manifest> committed = new ArrayList<>();
    List<Claim> pending = new ArrayList<>();
    List<Claim> deleting = new ArrayList<>();

    Manifest manifest(long id) {
        for (Manifest m : committed) {
            if (m.checkpointId() == id)
                return m;
        }
        return null;
    }

    Claim pending(long id) {
        for (Claim c : pending) {
            if (c.checkpointId == id)
                return c;
        }
        return null;
    }

    /**
     * Whether the commit of {@code m} has been applied here: {@code m} is committed, or retention has evicted its
     * checkpoint since (only a claim's owner commits an id, so an evicted checkpoint of that id was this commit).
     */
    boolean holdsCommitOf(Manifest m) {
        long id = m.checkpointId();
        return m.equals(manifest(id)) || deleting.stream().anyMatch(d -> d.checkpointId == id && d.evictedBy != 0);
    }

    /** Whether checkpoint {@code id} is named here at all: committed, or claimed for writing or removal. */
    boolean names(long id) {
        return manifest(id) != null || pending(id) != null || deleting.stream().anyMatch(d -> d.checkpointId == id);
    }

    /**
     * The stored chunks a committed checkpoint or a checkpoint being written may still read: every chunk a committed
     * manifest names, and every chunk a pending claim pins. A removal takes only chunks outside this set.
     */
    Set<ChunkRefs.Ref> inUse() {
        Set<ChunkRefs.Ref> named = new HashSet<>();
        for (Manifest m : committed) {
            for (int i = 0; i < m.chunks(); i++)
                named.add(new ChunkRefs.Ref(m.table().home(i), m.table().storedIndex(i)));
        }
        for (Claim c : pending)
            named.addAll(c.pins.refs());
        return named;
    }

    /**
     * Every stored chunk named here: by a committed manifest, or by a claim (its own chunks, its pins, its drops).
     * A stored chunk outside this set was stored after its claim was reclaimed.
     */
    Set<ChunkRefs.Ref> named() {
        Set<ChunkRefs.Ref> named = inUse();
        for (Claim c : claims()) {
            for (int i = 0; i < c.chunks; i++)
                named.add(new ChunkRefs.Ref(c.checkpointId, i));
            named.addAll(c.drops.refs());
        }
        return named;
    }

    /** The removal claims retention made when checkpoint {@code id} was committed, in the order it made them. */
    ArrayList<Claim> evictedBy(long id) {
        ArrayList<Claim> evicted = new ArrayList<>();
        for (Claim c : deleting) {
            if (c.evictedBy == id)
                evicted.add(c);
        }
        return evicted;
    }

    /** Whether the entry names no checkpoint: none committed, being written or being removed. */
    boolean isEmpty() {
        return committed.isEmpty() && pending.isEmpty() && deleting.isEmpty();
    }

    List<Manifest> committed() {
        return committed;
    }

    /** Claims on chunks being written or removed. */
    List<Claim> claims() {
        List<Claim> all = new ArrayList<>(pending);
        all.addAll(deleting);
        return all;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AppCatalog c && lastId == c.lastId && committed.equals(c.committed)
            && pending.equals(c.pending) && deleting.equals(c.deleting);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(lastId);
    }

    @Override
    public String toString() {
        return "AppCatalog[lastId=" + lastId + " committed="
            + committed.stream().map(Manifest::checkpointId).toList() + " pending=" + pending + " deleting="
            + deleting + "]";
    }
}
