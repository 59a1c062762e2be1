package dev.nabla.train;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Per-epoch values of the loss and metrics, as returned by {@link Model#fit}: {@code history.get("loss")}. */
public final class History {

    private final Map<String, List<Double>> metrics = new LinkedHashMap<>();

    /** Appends one epoch's logs. */
    public void record(Map<String, Double> logs) {
        for (Map.Entry<String, Double> e : logs.entrySet()) {
            metrics.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue());
        }
    }

    /** Every series, in the order they first appeared (unmodifiable views). */
    public Map<String, List<Double>> metrics() {
        Map<String, List<Double>> view = new LinkedHashMap<>();
        metrics.forEach((k, v) -> view.put(k, Collections.unmodifiableList(v)));
        return Collections.unmodifiableMap(view);
    }

    /** The series for {@code key}, e.g. "loss" or "val_accuracy"; throws if it was never logged. */
    public List<Double> get(String key) {
        List<Double> v = metrics.get(key);
        if (v == null) throw new IllegalArgumentException("history has no '" + key + "'; it has " + metrics.keySet());
        return Collections.unmodifiableList(v);
    }

    /** The last value of {@code key}. */
    public double last(String key) {
        List<Double> v = get(key);
        return v.get(v.size() - 1);
    }

    public boolean has(String key) {
        return metrics.containsKey(key);
    }

    /** Number of epochs recorded. */
    public int epochs() {
        return metrics.isEmpty() ? 0 : metrics.values().iterator().next().size();
    }

    /** Appends another run's epochs (used when resuming from a checkpoint). */
    public void append(History other) {
        other.metrics.forEach((k, v) -> metrics.computeIfAbsent(k, x -> new ArrayList<>()).addAll(v));
    }

    @Override
    public String toString() {
        return "History" + metrics;
    }
}
