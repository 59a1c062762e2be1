package dev.nabla.testing;

import dev.nabla.tensor.Tensor;
import dev.nabla.train.Model;
import dev.nabla.train.ModelFile;
import dev.nabla.train.SavedModel;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Saves a model to the bytes of its file and reads it back: the copy must predict bit for bit and summarise the same. */
public final class ModelRoundTrip {

    private ModelRoundTrip() {}

    /** Builds {@code model} for {@code x} if needed, then checks its file copy on {@code x}; returns the copy. */
    public static Model assertSameAfterSaving(Model model, Tensor x) {
        Tensor expected = model.predict(x);
        Model back = ModelFile.fromBytes(ModelFile.toBytes(new SavedModel(model, Map.of(), null, Map.of())), "round trip").model();
        assertThat(back.predict(x).shape()).containsExactly(expected.shape());
        assertThat(back.predict(x).data()).containsExactly(expected.data());
        assertThat(back.summary()).isEqualTo(model.summary());
        return back;
    }
}
