"""A small PyTorch CNN on Fashion-MNIST, exported to ONNX for Nabla to import, fine-tune and export again.

    python fashion_cnn.py export fashion_cnn.onnx    # trains 1 epoch on 12k images, prints test accuracy, exports
    python fashion_cnn.py check tuned.onnx           # ONNX Runtime's test accuracy of a file (e.g. Nabla's re-export)

Pixels are scaled to [0, 1] as Nabla's IdxReader does, so the accuracies compare with `nabla evaluate`.
"""
import gzip
import pathlib
import sys

import numpy as np
import torch

DATA = pathlib.Path("/usr/share/datasets/fashion-mnist")


def idx(name):
    raw = gzip.open(DATA / f"{name}.gz").read()
    if "images" in name:
        return np.frombuffer(raw, np.uint8, offset=16).reshape(-1, 1, 28, 28).astype(np.float32) / 255
    return np.frombuffer(raw, np.uint8, offset=8).astype(np.int64)


class FashionCnn(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = torch.nn.Conv2d(1, 8, 3, padding=1)
        self.bn1 = torch.nn.BatchNorm2d(8)
        self.conv2 = torch.nn.Conv2d(8, 16, 3, padding=1)
        self.fc1 = torch.nn.Linear(16 * 7 * 7, 32)
        self.fc2 = torch.nn.Linear(32, 10)

    def forward(self, x):
        x = torch.nn.functional.max_pool2d(torch.relu(self.bn1(self.conv1(x))), 2)
        x = torch.nn.functional.max_pool2d(torch.relu(self.conv2(x)), 2)
        return self.fc2(torch.relu(self.fc1(torch.flatten(x, 1))))


def export(out):
    torch.manual_seed(0)
    x, y = torch.from_numpy(idx("train-images-idx3-ubyte")[:12000]), torch.from_numpy(idx("train-labels-idx1-ubyte")[:12000])
    model = FashionCnn()
    opt = torch.optim.Adam(model.parameters(), 1e-3)
    model.train()
    for i in range(0, len(x), 64):
        opt.zero_grad()
        torch.nn.functional.cross_entropy(model(x[i:i + 64]), y[i:i + 64]).backward()
        opt.step()
    model.eval()
    tx, ty = torch.from_numpy(idx("t10k-images-idx3-ubyte")), torch.from_numpy(idx("t10k-labels-idx1-ubyte"))
    with torch.no_grad():
        print(f"pytorch test accuracy {(model(tx).argmax(1) == ty).float().mean().item():.4f}")
    # The TorchScript exporter (dynamo=False): the dynamo one needs onnxscript, which this environment lacks.
    torch.onnx.export(model, (tx[:2],), out, input_names=["image"], output_names=["logits"], dynamo=False,
                      dynamic_axes={"image": {0: "batch"}, "logits": {0: "batch"}})
    print(f"wrote {out}")


def check(file):
    import onnxruntime
    session = onnxruntime.InferenceSession(file)
    name = session.get_inputs()[0].name
    tx, ty = idx("t10k-images-idx3-ubyte"), idx("t10k-labels-idx1-ubyte")
    logits = np.concatenate([session.run(None, {name: tx[i:i + 1000]})[0] for i in range(0, len(tx), 1000)])
    print(f"onnxruntime test accuracy {(logits.argmax(1) == ty).mean():.4f} ({file}, input {name})")


if __name__ == "__main__":
    {"export": export, "check": check}[sys.argv[1]](sys.argv[2])
