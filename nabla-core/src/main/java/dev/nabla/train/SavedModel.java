package dev.nabla.train;

import java.util.Map;

/**
 * A model with what travels with it in a {@link ModelFile}: preprocessing (e.g. a fitted scaler's config, class
 * names), the training history (null if none) and free-form metadata (e.g. the seed).
 */
public record SavedModel(Model model, Map<String, Object> preprocessing, History history, Map<String, Object> metadata) {

    public SavedModel {
        preprocessing = preprocessing == null ? Map.of() : preprocessing;
        metadata = metadata == null ? Map.of() : metadata;
    }

    /** Epochs already trained (from the metadata), 0 when unknown: pass it to FitOptions.initialEpoch to resume. */
    public int epochsCompleted() {
        Object e = metadata.get("epochs_completed");
        return e instanceof Number n ? n.intValue() : 0;
    }
}
