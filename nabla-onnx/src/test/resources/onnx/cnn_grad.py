# Makes cnn_grad.json: PyTorch (float64) gradients of sum(cnn(x) * up) for the cnn.onnx fixture's weights.
# Run: /work/venv/bin/python cnn_grad.py  (from this directory)
import json
import numpy as np
import onnx
import torch
import torch.nn.functional as F
from onnx import numpy_helper

m = onnx.load("cnn.onnx")
w = {t.name: torch.tensor(numpy_helper.to_array(t).astype(np.float64), requires_grad=True) for t in m.graph.initializer if t.data_type == 1}
g = torch.Generator().manual_seed(0)
x = torch.randn(2, 1, 12, 12, generator=g, dtype=torch.float64)
up = torch.randn(2, 5, generator=g, dtype=torch.float64)
h = F.max_pool2d(F.relu(F.conv2d(x, w["0.weight"], w["0.bias"], padding=1)), 2)
h = F.avg_pool2d(F.relu(F.conv2d(h, w["4.weight"], w["4.bias"])), 2)
y = F.linear(h.flatten(1), w["8.weight"], w["8.bias"])
(y * up).sum().backward()
json.dump({"x": x.tolist(), "up": up.tolist(), "grads": {k: v.grad.flatten().tolist() for k, v in w.items()}},
          open("cnn_grad.json", "w"))
