package dev.nabla.tensor;

import org.junit.jupiter.api.Test;

import static dev.nabla.testing.Fixtures.assertClose;
import static dev.nabla.testing.Fixtures.number;
import static dev.nabla.testing.Fixtures.tensor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The PyTorch float64 reference cases built from Nabla's primitives. */
class FixtureTest {

    @Test
    void broadcastMulAddMatchesPyTorch() {
        String c = "broadcast_mul_add";
        Tensor a = tensor(c, "a").requiresGrad(true), b = tensor(c, "b").requiresGrad(true), cc = tensor(c, "c").requiresGrad(true);
        Tensor y = a.mul(b).add(cc);
        assertClose("y", y, tensor(c, "y"));
        y.mul(tensor(c, "up")).sum().backward();
        assertClose("grad a", a.grad(), tensor(c, "grad_a"));
        assertClose("grad b", b.grad(), tensor(c, "grad_b"));
        assertClose("grad c", cc.grad(), tensor(c, "grad_c"));
    }

    @Test
    void mlpWithReluAndSparseCrossEntropyMatchesPyTorch() {
        String c = "mlp_relu_sparse_ce";
        Tensor x = tensor(c, "x").requiresGrad(true);
        Tensor w1 = tensor(c, "W1").requiresGrad(true), b1 = tensor(c, "b1").requiresGrad(true);
        Tensor w2 = tensor(c, "W2").requiresGrad(true), b2 = tensor(c, "b2").requiresGrad(true);
        Tensor y = tensor(c, "y");
        Tensor logits = x.matmul(w1).add(b1).relu().matmul(w2).add(b2);
        assertClose("logits", logits, tensor(c, "logits"));
        Tensor index = y.reshape(y.size(), 1);
        Tensor loss = logits.logSoftmax(1).gather(1, index).neg().mean();
        assertThat((double) loss.item()).isCloseTo(number(c, "loss"), within(1e-4 * Math.abs(number(c, "loss"))));
        loss.backward();
        assertClose("grad x", x.grad(), tensor(c, "grad_x"));
        assertClose("grad W1", w1.grad(), tensor(c, "grad_W1"));
        assertClose("grad b1", b1.grad(), tensor(c, "grad_b1"));
        assertClose("grad W2", w2.grad(), tensor(c, "grad_W2"));
        assertClose("grad b2", b2.grad(), tensor(c, "grad_b2"));
    }
}
