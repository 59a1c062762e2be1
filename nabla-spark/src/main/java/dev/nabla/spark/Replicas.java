package dev.nabla.spark;

import dev.nabla.train.Model;
import dev.nabla.train.ModelFile;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * Executor-side models, built once per fit and executor thread from the broadcast model file and reused by every
 * later task (only the parameters change between steps, and they arrive by broadcast). A new fit (a new broadcast)
 * drops the replicas of earlier ones.
 */
final class Replicas {

    private static final Map<Long, Deque<Model>> idle = new HashMap<>();

    private Replicas() {}

    /** A replica for the fit whose blueprint is broadcast {@code id}, built on first use. */
    static Model borrow(long id, Blueprint blueprint) {
        synchronized (idle) {
            idle.keySet().removeIf(other -> other != id);
            Deque<Model> free = idle.computeIfAbsent(id, k -> new ArrayDeque<>());
            if (!free.isEmpty()) return free.pop();
            // Built under the lock: layer construction uses process-wide registries.
            return ModelFile.fromBytes(blueprint.modelFile(), "the broadcast model of fit " + id).model();
        }
    }

    static void giveBack(long id, Model replica) {
        synchronized (idle) {
            Deque<Model> free = idle.get(id);
            if (free != null) free.push(replica);
        }
    }
}
