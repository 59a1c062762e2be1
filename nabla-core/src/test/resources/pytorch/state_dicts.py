"""Makes the state_dicts PytorchWeightsTest loads: two small PyTorch models with random weights (and BatchNorm
running statistics), saved with safetensors.torch.save_file, and each model's output for a fixed input batch.

    /work/venv/bin/python state_dicts.py     # writes cnn.safetensors, sequence.safetensors, outputs.json here

cnn_f16.safetensors and cnn_bf16.safetensors hold the CNN's parameters in half precision (the running statistics
too); their outputs are the CNN's with those rounded parameters, computed in float32.
"""
import copy
import json
import pathlib

import torch
from safetensors.torch import save_file

here = pathlib.Path(__file__).parent
torch.manual_seed(0)


class Cnn(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.features = torch.nn.Sequential(torch.nn.Conv2d(1, 3, 3), torch.nn.BatchNorm2d(3), torch.nn.ReLU(), torch.nn.MaxPool2d(2))
        self.classifier = torch.nn.Linear(3 * 3 * 3, 5)

    def forward(self, x):
        return self.classifier(torch.flatten(self.features(x), 1))


class Sequence(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = torch.nn.Embedding(10, 6)
        self.lstm = torch.nn.LSTM(6, 5, num_layers=2, batch_first=True)
        self.gru = torch.nn.GRU(5, 4, batch_first=True, bidirectional=True)
        self.attn = torch.nn.MultiheadAttention(8, 2, batch_first=True)
        self.enc = torch.nn.TransformerEncoderLayer(8, 2, 12, dropout=0.0, batch_first=True)
        self.norm = torch.nn.LayerNorm(8)
        self.head = torch.nn.Linear(8, 3)

    def forward(self, ids):
        h, _ = self.lstm(self.embed(ids))
        h, _ = self.gru(h)
        h = self.attn(h, h, h, need_weights=False)[0]
        h = self.enc(h)
        return self.head(self.norm(h.mean(dim=1)))


def randomised(model):
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(0.5 * torch.randn_like(p))
    return model


cnn = randomised(Cnn())
x = torch.randn(2, 1, 8, 8)
cnn.train()
for _ in range(3):
    cnn(torch.randn(4, 1, 8, 8) * 2 + 0.5)  # moves the BatchNorm running statistics away from 0 and 1
cnn.eval()
seq = randomised(Sequence()).eval()
ids = torch.randint(0, 10, (3, 7))
with torch.no_grad():
    outputs = {"cnn": {"input": x.tolist(), "output": cnn(x).tolist()},
               "sequence": {"input": ids.float().tolist(), "output": seq(ids).tolist()}}
for dtype, name in ((torch.float16, "f16"), (torch.bfloat16, "bf16")):
    rounded = copy.deepcopy(cnn)
    with torch.no_grad():
        for t in rounded.state_dict().values():
            if t.is_floating_point():
                t.copy_(t.to(dtype).float())
        outputs["cnn_" + name] = {"input": x.tolist(), "output": rounded(x).tolist()}
    save_file({k: v.to(dtype) if v.is_floating_point() else v for k, v in cnn.state_dict().items()}, str(here / f"cnn_{name}.safetensors"))
save_file(cnn.state_dict(), str(here / "cnn.safetensors"))
save_file(seq.state_dict(), str(here / "sequence.safetensors"))
(here / "outputs.json").write_text(json.dumps(outputs))
print({k: list(v.shape) for k, v in cnn.state_dict().items()})
print({k: list(v.shape) for k, v in seq.state_dict().items()})
