package dev.nabla.nn;

import dev.nabla.tensor.Tensor;

/**
 * A Transformer encoder layer as PyTorch's {@code nn.TransformerEncoderLayer(d_model, nhead, dim_feedforward,
 * batch_first=True)}: self-attention and a feed-forward block, each in a residual step with LayerNorm (eps 1e-5)
 * before it ({@code normFirst}, pre-LN) or after it (post-LN, PyTorch's default), dropout after the attention, in the
 * feed-forward block and after it. Input and output [batch, time, dModel]; a padding mask on the input masks the
 * padded keys and stays on the output. Weights, with PyTorch's names and layouts (see {@link TransformerBlock}):
 * {@code <name>/self_attn/in_proj_weight} [3d, d], {@code .../in_proj_bias}, {@code .../out_proj_weight},
 * {@code .../out_proj_bias}, {@code <name>/linear1/weight} [ff, d], {@code linear1/bias}, {@code linear2/weight}
 * [d, ff], {@code linear2/bias}, {@code <name>/norm1/gamma} (PyTorch's norm1.weight), {@code norm1/beta},
 * {@code norm2/gamma}, {@code norm2/beta}. Initialised as PyTorch. No dropout on the attention probabilities.
 *
 * <pre>{@code
 * var block = new TransformerEncoderLayer(64, 4, 128);   // post-LN, ReLU, dropout 0.1, as PyTorch's defaults
 * var preLn = new TransformerEncoderLayer(null, 64, 4, 128, 0.0, TransformerEncoderLayer.FeedForwardActivation.GELU, true, 1e-5);
 * Tensor y = preLn.apply(Tensor.ones(2, 16, 64));   // [2, 16, 64]
 * }</pre>
 */
public class TransformerEncoderLayer extends TransformerBlock {

    private final MultiHeadAttention selfAttention;
    private final LayerNormalization norm1;
    private final LayerNormalization norm2;
    private final Dropout dropout1;
    private final Dropout dropout2;

    /** PyTorch's defaults: dropout 0.1, ReLU, post-LN, eps 1e-5. */
    public TransformerEncoderLayer(int dModel, int heads, int dimFeedforward) {
        this(null, dModel, heads, dimFeedforward, 0.1, FeedForwardActivation.RELU, false, 1e-5);
    }

    public TransformerEncoderLayer(String name, int dModel, int heads, int dimFeedforward, double dropout,
                                   FeedForwardActivation activation, boolean normFirst, double epsilon) {
        super(name, dModel, heads, dimFeedforward, dropout, activation, normFirst, epsilon);
        selfAttention = attentionChild("self_attn", false);
        norm1 = normChild("norm1");
        norm2 = normChild("norm2");
        dropout1 = dropoutChild("dropout1");
        dropout2 = dropoutChild("dropout2");
    }

    @Override
    protected Tensor forward(Tensor x) {
        return encode(x, null);
    }

    @Override
    public Tensor applyMasked(Tensor[] inputs, Tensor[] masks) {
        if (inputs.length != 1) throw new IllegalArgumentException(name() + " takes one input, got " + inputs.length);
        if (!isBuilt()) buildFor(inputs[0].shape());
        return encode(inputs[0], masks[0]);
    }

    private Tensor encode(Tensor x, Tensor mask) {
        checkSequence("input", x);
        Tensor h = residual(x, norm1, in -> dropout1.apply(selfAttention.applyMasked(new Tensor[] {in}, new Tensor[] {mask})));
        return residual(h, norm2, in -> dropout2.apply(feedForward(in)));
    }
}
