package dev.nabla.nn;

import dev.nabla.tensor.Shape;
import dev.nabla.tensor.Tensor;

import java.util.Map;

/**
 * What {@link TransformerEncoderLayer} and {@link TransformerDecoderLayer} share: the sizes, the feed-forward block
 * {@code linear2(dropout(act(linear1(x))))} with PyTorch's weights {@code <name>/linear1/weight} [ff, d] etc., the
 * residual steps in pre- or post-LayerNorm order, and the config. The attention and normalisation parts are child
 * layers named {@code <name>/self_attn}, {@code <name>/norm1}, ..., so their weights are {@code <name>/self_attn/in_proj_weight},
 * {@code <name>/norm1/gamma} ...: PyTorch's {@code self_attn.in_proj_weight}, {@code norm1.weight} (gamma) and
 * {@code norm1.bias} (beta), {@code self_attn.out_proj.weight} being {@code self_attn/out_proj_weight}.
 */
public abstract class TransformerBlock extends Layer implements Masks.Consumer {

    /** The feed-forward activation: exact GELU or ReLU, as PyTorch's {@code activation="gelu"/"relu"}. */
    public enum FeedForwardActivation { RELU, GELU }

    protected final int dModel;
    protected final int heads;
    protected final int dimFeedforward;
    protected final double dropout;
    protected final FeedForwardActivation activation;
    protected final boolean normFirst;
    protected final double epsilon;
    private final Dropout hiddenDropout;
    private Tensor w1;
    private Tensor b1;
    private Tensor w2;
    private Tensor b2;

    TransformerBlock(String name, int dModel, int heads, int dimFeedforward, double dropout, FeedForwardActivation activation,
                     boolean normFirst, double epsilon) {
        super(name);
        String type = getClass().getSimpleName();
        if (dModel <= 0 || heads <= 0 || dimFeedforward <= 0 || dModel % heads != 0) {
            throw new IllegalArgumentException(type + ": dModel " + dModel + " must be a positive multiple of heads " + heads
                    + ", and dimFeedforward positive (got " + dimFeedforward + ")");
        }
        if (activation == null) throw new IllegalArgumentException(type + ": no feed-forward activation given (RELU or GELU)");
        this.dModel = dModel;
        this.heads = heads;
        this.dimFeedforward = dimFeedforward;
        this.dropout = dropout;
        this.activation = activation;
        this.normFirst = normFirst;
        this.epsilon = epsilon;
        this.hiddenDropout = dropoutChild("dropout");
    }

    /** A child named {@code <this>/<part>}. */
    protected final String part(String part) {
        return name() + "/" + part;
    }

    protected final Dropout dropoutChild(String part) {
        return addChild(new Dropout(part(part), dropout));
    }

    protected final LayerNormalization normChild(String part) {
        return addChild(new LayerNormalization(part(part), epsilon));
    }

    protected final MultiHeadAttention attentionChild(String part, boolean causal) {
        return addChild(new MultiHeadAttention(part(part), heads, dModel / heads, causal));
    }

    /** The feed-forward weights, initialised as PyTorch's {@code nn.Linear}; then the children for this shape. */
    @Override
    protected void build(int[] inputShape) {
        if (inputShape.length != 3 || inputShape[2] != dModel) throw shapeError("[batch, time, " + dModel + "]", inputShape);
        Initializer linear = TorchLinear.outInLayout(Initializers.pytorchDefault());
        w1 = addWeight("linear1/weight", new int[] {dimFeedforward, dModel}, linear, true);
        b1 = addWeight("linear1/bias", new int[] {dimFeedforward}, TorchLinear.withFans(Initializers.pytorchDefault(), dModel, dimFeedforward), true);
        w2 = addWeight("linear2/weight", new int[] {dModel, dimFeedforward}, linear, true);
        b2 = addWeight("linear2/bias", new int[] {dModel}, TorchLinear.withFans(Initializers.pytorchDefault(), dimFeedforward, dModel), true);
        for (Layer child : children()) child.buildFor(inputShape);
    }

    protected final Tensor feedForward(Tensor x) {
        Tensor h = TorchLinear.apply(x, w1, b1);
        h = activation == FeedForwardActivation.GELU ? h.gelu(false) : h.relu();
        return TorchLinear.apply(hiddenDropout.apply(h), w2, b2);
    }

    /** One residual step: {@code x + f(norm(x))} before (normFirst), {@code norm(x + f(x))} after. */
    protected final Tensor residual(Tensor x, LayerNormalization norm, java.util.function.UnaryOperator<Tensor> f) {
        return normFirst ? x.add(f.apply(norm.apply(x))) : norm.apply(x.add(f.apply(x)));
    }

    protected final void checkSequence(String what, Tensor x) {
        if (x.rank() != 3 || x.dim(2) != dModel) {
            throw new IllegalArgumentException(name() + " expects " + what + " [batch, time, " + dModel + "], got " + Shape.str(x.shape()));
        }
    }

    /** The output steps are the first input's. */
    @Override
    public Tensor outputMask(Tensor[] masks) {
        return masks[0];
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = super.config();
        c.put("d_model", dModel);
        c.put("heads", heads);
        c.put("dim_feedforward", dimFeedforward);
        c.put("dropout", dropout);
        c.put("activation", activation.name().toLowerCase(java.util.Locale.ROOT));
        c.put("norm_first", normFirst);
        c.put("epsilon", epsilon);
        return c;
    }
}
