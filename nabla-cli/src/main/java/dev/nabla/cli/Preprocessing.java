package dev.nabla.cli;

import dev.nabla.data.Dataset;
import dev.nabla.data.Scaler;
import dev.nabla.train.SavedModel;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Applies what a model file says about its inputs (task, scaler, class names) to new data. */
record Preprocessing(Tasks.Task task, Scaler scaler, List<String> classNames, boolean images, String target) {

    static Preprocessing of(SavedModel saved) {
        Map<String, Object> p = saved.preprocessing();
        Tasks.Task task = p.get("task") == null ? Tasks.Task.CLASSIFICATION : Tasks.Task.valueOf(String.valueOf(p.get("task")).toUpperCase(Locale.ROOT));
        Scaler scaler = p.get("scaler") instanceof Map<?, ?> m ? Scaler.fromConfig(m) : null;
        List<String> names = p.get("class_names") instanceof List<?> l ? TrainCommand.toStrings(l) : null;
        return new Preprocessing(task, scaler, names, "image".equals(p.get("input")), p.get("target") == null ? null : String.valueOf(p.get("target")));
    }

    Dataset apply(Dataset d) {
        if (classNames != null && d.classNames() != null && !classNames.equals(d.classNames())) {
            throw new IllegalArgumentException("the data's classes " + d.classNames() + " differ from the model's " + classNames);
        }
        return scaler == null ? d : d.withX(scaler.transform(d.x()));
    }
}
