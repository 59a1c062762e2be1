package dev.nabla.nn;

import dev.nabla.tensor.Shape;
import dev.nabla.tensor.Tensor;

import java.util.List;

/**
 * A Transformer decoder layer as PyTorch's {@code nn.TransformerDecoderLayer(d_model, nhead, dim_feedforward,
 * batch_first=True)} called with a causal target mask: causal self-attention on the target x, cross-attention from x
 * to a memory (the encoder's output), then a feed-forward block, each a residual step with LayerNorm before
 * ({@code normFirst}) or after it. Two inputs, {@code (x [batch, T, d], memory [batch, S, d])}; the output is
 * [batch, T, d] and carries x's padding mask; a padding mask on the memory masks those memory steps, one on x masks
 * x's padded keys in the self-attention. Weights as {@link TransformerEncoderLayer}'s plus
 * {@code <name>/multihead_attn/...} (the cross-attention) and {@code <name>/norm3/...}, PyTorch's names.
 *
 * <pre>{@code
 * var decoder = new TransformerDecoderLayer(64, 4, 128);
 * Tensor y = decoder.apply(Tensor.ones(2, 10, 64), Tensor.ones(2, 16, 64));   // [2, 10, 64]
 * }</pre>
 */
public class TransformerDecoderLayer extends TransformerBlock {

    private final MultiHeadAttention selfAttention;
    private final MultiHeadAttention crossAttention;
    private final LayerNormalization norm1;
    private final LayerNormalization norm2;
    private final LayerNormalization norm3;
    private final Dropout dropout1;
    private final Dropout dropout2;
    private final Dropout dropout3;

    /** PyTorch's defaults: dropout 0.1, ReLU, post-LN, eps 1e-5. */
    public TransformerDecoderLayer(int dModel, int heads, int dimFeedforward) {
        this(null, dModel, heads, dimFeedforward, 0.1, FeedForwardActivation.RELU, false, 1e-5);
    }

    public TransformerDecoderLayer(String name, int dModel, int heads, int dimFeedforward, double dropout,
                                   FeedForwardActivation activation, boolean normFirst, double epsilon) {
        super(name, dModel, heads, dimFeedforward, dropout, activation, normFirst, epsilon);
        selfAttention = attentionChild("self_attn", true);
        crossAttention = attentionChild("multihead_attn", false);
        norm1 = normChild("norm1");
        norm2 = normChild("norm2");
        norm3 = normChild("norm3");
        dropout1 = dropoutChild("dropout1");
        dropout2 = dropoutChild("dropout2");
        dropout3 = dropoutChild("dropout3");
    }

    /** One input is one too few: refused naming the layer. */
    @Override
    protected Tensor forward(Tensor x) {
        return apply(new Tensor[] {x});
    }

    @Override
    public Tensor apply(Tensor... inputs) {
        return applyMasked(inputs, new Tensor[inputs.length]);
    }

    @Override
    public Tensor applyMasked(Tensor[] inputs, Tensor[] masks) {
        checkCount(inputs.length);
        if (!isBuilt()) buildFor(inputs[0].shape());
        return decode(inputs[0], inputs[1], masks[0], masks[1]);
    }

    @Override
    public int[] outputShape(List<int[]> inputShapes) {
        checkCount(inputShapes.size());
        int[] x = inputShapes.get(0), memory = inputShapes.get(1);
        if (x.length != 3 || memory.length != 3 || x[2] != dModel || memory[2] != dModel || x[0] != memory[0]) {
            throw new IllegalArgumentException(name() + " expects x [batch, T, " + dModel + "] and memory [batch, S, " + dModel + "], got "
                    + Shape.str(x) + " and " + Shape.str(memory));
        }
        if (!isBuilt()) buildFor(x);
        return x.clone();
    }

    private void checkCount(int count) {
        if (count != 2) throw new IllegalArgumentException(name() + " takes two inputs (x, memory), got " + count);
    }

    private Tensor decode(Tensor x, Tensor memory, Tensor xMask, Tensor memoryMask) {
        checkSequence("x", x);
        checkSequence("memory", memory);
        Tensor h = residual(x, norm1, in -> dropout1.apply(selfAttention.applyMasked(new Tensor[] {in}, new Tensor[] {xMask})));
        h = residual(h, norm2, in -> dropout2.apply(crossAttention.applyMasked(new Tensor[] {in, memory}, new Tensor[] {null, memoryMask})));
        return residual(h, norm3, in -> dropout3.apply(feedForward(in)));
    }
}
