package dev.nabla.train;

import dev.nabla.nn.Fusions;
import dev.nabla.nn.Layer;
import dev.nabla.nn.Masks;
import dev.nabla.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A stack of layers, each fed the previous one's output, as Keras's Sequential:
 *
 * <pre>{@code
 * Sequential model = Sequential.of(Dense.of(32, Activation.RELU), Dense.of(3, Activation.SOFTMAX));
 * model.compile(Optimizers.sgd(0.01), Losses.sparseCategoricalCrossentropy(false), Metrics.accuracy());
 * History h = model.fit(x, y, FitOptions.epochs(100).batchSize(FitOptions.FULL_BATCH));
 * }</pre>
 */
public class Sequential extends Model {

    public Sequential(Layer... layers) {
        this(null, layers);
    }

    public Sequential(String name, Layer... layers) {
        super(name);
        for (Layer l : layers) add(l);
    }

    public static Sequential of(Layer... layers) {
        return new Sequential(layers);
    }

    /** Appends a layer; only before the model is built. */
    public Sequential add(Layer layer) {
        if (isBuilt()) throw new IllegalStateException(name() + ": cannot add " + layer.name() + " after the model is built");
        addChild(layer);
        return this;
    }

    /** The layers in order. */
    public List<Layer> layers() {
        return children();
    }

    @Override
    protected Tensor forward(Tensor x) {
        if (children().isEmpty()) throw new IllegalStateException(name() + ": no layers");
        Tensor h = x;
        Tensor mask = null; // a padding mask travelling with h (see Masks)
        List<Layer> layers = children();
        for (int i = 0; i < layers.size(); i++) {
            // A layer and the next may run as one op (same values and gradients): Fusions decides.
            Fusions.Fused fused = i + 1 < layers.size() && mask == null ? Fusions.of(layers.get(i), layers.get(i + 1)) : null;
            if (fused != null) {
                h = fused.apply(h);
                i++;
            } else {
                Masks.Masked out = Masks.call(layers.get(i), new Tensor[] {h}, new Tensor[] {mask});
                h = out.value();
                mask = out.mask();
            }
        }
        return h;
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = super.config();
        List<Object> layers = new ArrayList<>();
        for (Layer l : children()) layers.add(l.config());
        c.put("layers", layers);
        return c;
    }
}
