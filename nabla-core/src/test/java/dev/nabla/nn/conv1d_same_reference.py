# Reference numbers for Conv1DTest#samePaddingWithStrideAndDilationMatchesPyTorch (run: /work/venv/bin/python this file).
# Inputs are formulas of the flat index, so the Java test rebuilds them without a data file.
# SAME follows Keras / TensorFlow: out = ceil(L / stride), total padding max((out - 1) * stride + (k - 1) * dilation + 1 - L, 0),
# the smaller half on the left. PyTorch's padding='same' refuses stride > 1, so that case pads explicitly with F.pad;
# with stride 1 it is PyTorch's own padding='same'.
import math
import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)

def filled(shape, f):
    n = math.prod(shape)
    return torch.tensor([f(i) for i in range(n)]).reshape(shape)

def show(name, t):
    print(name, "= {" + ", ".join("%.9ff" % v for v in t.flatten().tolist()) + "};")

x = filled((2, 3, 10), lambda i: math.sin(0.37 * i + 0.1)).requires_grad_()
w = filled((4, 3, 3), lambda i: 0.5 * math.cos(0.91 * i)).requires_grad_()
b = filled((4,), lambda i: 0.1 * i - 0.2).requires_grad_()
up = filled((2, 4, 5), lambda i: math.cos(0.5 * i))

# stride 2, dilation 2, kernel 3 on length 10: out 5, total padding 3 -> left 1, right 2
y = F.conv1d(F.pad(x, (1, 2)), w, b, stride=2, dilation=2)
(y * up).sum().backward()
show("float[] stride2Dilation2Y", y)
show("float[] stride2Dilation2GradX", x.grad)
show("float[] stride2Dilation2GradW", w.grad)

# stride 1, dilation 3, kernel 2 on length 10: PyTorch's own 'same' (total padding 3 -> left 1, right 2)
w2 = filled((4, 3, 2), lambda i: 0.5 * math.cos(0.91 * i))
show("float[] stride1Dilation3Y", F.conv1d(x.detach(), w2, b.detach(), padding="same", dilation=3))
