package dev.nabla.nn;

import dev.nabla.tensor.Tensor;
import dev.nabla.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.nabla.testing.Fixtures.assertClose;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * SimpleRNN, LSTM and GRU against PyTorch's nn.RNN / nn.LSTM / nn.GRU (fixtures/pytorch-sequence.json, float64
 * reference, float32 tolerance): the sequence y0, h_n y1, c_n y2 and the gradients of sum(up * y) over all outputs,
 * with PyTorch's parameter tensors loaded as they are.
 */
class RecurrentFixtureTest {

    @ParameterizedTest
    @ValueSource(strings = {"rnn_tanh", "lstm", "gru"})
    void outputsStatesAndGradientsMatchPyTorch(String entry) {
        Recurrent layer = entry.equals("lstm") ? LSTM.of(6) : entry.equals("gru") ? GRU.of(6) : SimpleRNN.of(6);
        layer.returnSequences(true);
        Tensor x = tensor(entry, "x").requiresGrad(true);
        layer.buildFor(x.shape());
        Tensor[] params = {layer.weightIh(), layer.weightHh(), layer.biasIh(), layer.biasHh()};
        String[] names = {"weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"};
        for (int i = 0; i < 4; i++) {
            Tensor p = tensor(entry, "param." + names[i]);
            System.arraycopy(p.data(), 0, params[i].data(), 0, p.size());
        }
        Recurrent.State s = layer.applyWithState(x);
        int b = x.dim(0);
        assertClose(entry + " y0", s.output(), tensor(entry, "y0"));
        assertClose(entry + " h_n", s.h(), tensor(entry, "y1").reshape(b, 6));
        Tensor loss = s.output().mul(tensor(entry, "up0")).sum().add(s.h().mul(tensor(entry, "up1").reshape(b, 6)).sum());
        if (s.c() != null) {
            assertClose(entry + " c_n", s.c(), tensor(entry, "y2").reshape(b, 6));
            loss = loss.add(s.c().mul(tensor(entry, "up2").reshape(b, 6)).sum());
        }
        loss.backward();
        assertClose(entry + " grad x", x.grad(), tensor(entry, "grad.x"));
        for (int i = 0; i < 4; i++) assertClose(entry + " grad " + names[i], params[i].grad(), tensor(entry, "grad.param." + names[i]));
    }

    /** A post-padded batch as a PyTorch packed sequence (fixtures/gen_bidirectional.py): [forward, backward] halves. */
    @Test
    void bidirectionalLstmOverAPaddedBatchMatchesPyTorchPackedSequences() {
        String f = "bidirectional-lstm.json", e = "lstm_bidirectional_packed";
        LSTM inner = LSTM.of(5).returnSequences(true);
        Bidirectional bi = Bidirectional.of(inner);
        Tensor x = tensor(f, e, "x").requiresGrad(true);
        bi.buildFor(x.shape());
        String[] names = {"weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"};
        List<Tensor> params = new ArrayList<>();
        for (Recurrent r : new Recurrent[] {bi.forwardLayer(), bi.backwardLayer()}) {
            params.addAll(List.of(r.weightIh(), r.weightHh(), r.biasIh(), r.biasHh()));
        }
        for (int i = 0; i < 8; i++) {
            Tensor p = tensor(f, e, "param." + names[i % 4] + (i < 4 ? "" : "_reverse"));
            System.arraycopy(p.data(), 0, params.get(i).data(), 0, p.size());
        }
        Tensor mask = tensor(f, e, "mask");
        Tensor y = bi.applyMasked(new Tensor[] {x}, new Tensor[] {mask});
        assertClose("y", y, tensor(f, e, "y"));
        // h_n [2, B, H] of PyTorch is the pair of last outputs of a Bidirectional without returnSequences
        Bidirectional last = new Bidirectional(null, LSTM.of(5));
        last.buildFor(x.shape());
        List<Tensor> lastParams = new ArrayList<>();
        for (Recurrent r : new Recurrent[] {last.forwardLayer(), last.backwardLayer()}) {
            lastParams.addAll(List.of(r.weightIh(), r.weightHh(), r.biasIh(), r.biasHh()));
        }
        for (int i = 0; i < 8; i++) System.arraycopy(params.get(i).data(), 0, lastParams.get(i).data(), 0, params.get(i).size());
        Tensor hn = last.applyMasked(new Tensor[] {x}, new Tensor[] {mask});
        Tensor expectedHn = tensor(f, e, "h_n"); // [2, B, H] -> [B, 2H]
        assertClose("h_n", hn, expectedHn.permute(1, 0, 2).reshape(3, 10));
        y.mul(tensor(f, e, "up_y")).sum().add(hn.mul(tensor(f, e, "up_h").permute(1, 0, 2).reshape(3, 10)).sum()).backward();
        assertClose("grad x", x.grad(), tensor(f, e, "grad.x"));
        for (int i = 0; i < 8; i++) {
            String n = names[i % 4] + (i < 4 ? "" : "_reverse");
            Tensor g = params.get(i).grad().add(lastParams.get(i).grad());
            assertClose("grad " + n, g, tensor(f, e, "grad.param." + n));
        }
        assertThat(bi.weights().get(0).name()).isEqualTo("forward_" + inner.name() + "/weight_ih");
        assertThat(bi.weights().get(4).name()).isEqualTo("backward_" + inner.name() + "/weight_ih");
    }

    /** An entry of pytorch-sequence.json as a float32 tensor of its shape. */
    static Tensor tensor(String entry, String key) {
        return Fixtures.sequence(entry, key);
    }

    static Tensor tensor(String file, String entry, String key) {
        return Fixtures.tensorIn(file, entry, key);
    }
}
