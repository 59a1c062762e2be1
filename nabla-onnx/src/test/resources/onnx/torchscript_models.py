"""Exports ts_encoder.onnx and ts_rnn.onnx with the TorchScript exporter (torch.onnx.export(dynamo=False), opset 20) and
writes each ONNX Runtime output for a random batch beside it (ts_*.json), for OnnxImportTest.

    /work/venv/bin/python torchscript_models.py
"""
import json
import pathlib

import onnx
import onnxruntime as ort
import torch

here = pathlib.Path(__file__).parent
torch.manual_seed(0)
class Enc(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.enc = torch.nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0, activation="gelu", batch_first=True, norm_first=True)
        self.fc = torch.nn.Linear(8, 4)
    def forward(self, x):
        return self.fc(self.enc(x).mean(dim=1))
class Rnn(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.gru = torch.nn.GRU(3, 4, batch_first=True, bidirectional=True)
        self.lstm = torch.nn.LSTM(8, 5, batch_first=True)
        self.fc = torch.nn.Linear(5, 2)
    def forward(self, x):
        h, _ = self.gru(x)
        _, (hn, _) = self.lstm(h)
        return self.fc(hn[-1])
for name, m, shape in (("ts_encoder", Enc(), (2, 5, 8)), ("ts_rnn", Rnn(), (2, 6, 3))):
    m.eval()
    x = torch.randn(*shape)
    file = str(here / (name + ".onnx"))
    torch.onnx.export(m, (x,), file, input_names=["input"], output_names=["output"], dynamo=False, dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}})
    out = ort.InferenceSession(file).run(None, {"input": x.numpy()})[0]
    json.dump({"inputs": {"input": {"data": x.tolist()}}, "output": out.tolist()}, open(here / (name + ".json"), "w"))

    g = onnx.load(file)
    print(name, g.opset_import, sorted({n.op_type for n in g.graph.node}))
