"""PyTorch 2 (CPU) peer for the sequence workloads of WORKLOADS.md: W6 (row-by-row LSTM on Fashion-MNIST) and
W7 (small vision Transformer). Idiomatic modules (nn.LSTM; nn.TransformerEncoderLayer with batch_first, norm_first,
GELU), torch.optim.Adam(lr=1e-3), nn.CrossEntropyLoss, a plain training loop as in ../shared/peers/python/peer_torch.py
(batch 128, torch.randperm reshuffling each epoch), PyTorch's default initialisation after torch.manual_seed(0),
torch.set_num_threads(2) and no thread environment variables (the best setting for torch 2.13 here, see MODERN.md).
Nothing is tuned beyond what PyTorch's documentation recommends.

usage: peer_torch_seq.py W6|W7 [--epochs N] [--warmup-batches N] [--max-batches N]
  loop_s = median of the per-epoch times after the first (warm-up) epoch; with --warmup-batches N, N untimed
  batches instead of the warm-up epoch and every epoch is timed. --max-batches N cuts every epoch to N batches
  (for a quick check). Prints one RESULT {json} line, the fields of peer_torch.py.
"""
import argparse
import os
import statistics
import time

import torch
from torch import nn

import seqdata

torch.set_num_threads(2)
torch.manual_seed(0)


class RowLstm(nn.Module):
    """W6: LSTM(64) over the 28 rows of 28 pixels, last hidden state, dense 10."""

    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(input_size=28, hidden_size=64, batch_first=True)
        self.head = nn.Linear(64, 10)

    def forward(self, x):  # [b, 28, 28]
        _, (h, _) = self.lstm(x)
        return self.head(h[-1])


class SmallVit(nn.Module):
    """W7: 16 patches of 49 -> linear 64 + learned positions, 2 pre-LN encoder layers, mean, LayerNorm, dense 10."""

    def __init__(self, tokens=16, patch=49, dim=64, heads=4, mlp=128, layers=2):
        super().__init__()
        self.embed = nn.Linear(patch, dim)
        self.pos = nn.Embedding(tokens, dim)  # a learned lookup, PyTorch's default N(0, 1) init
        self.register_buffer("positions", torch.arange(tokens), persistent=False)
        layer = nn.TransformerEncoderLayer(dim, heads, dim_feedforward=mlp, dropout=0.0, activation="gelu",
                                           batch_first=True, norm_first=True)
        # nested tensors only serve padded batches (and are off with norm_first anyway): say so, without the warning
        self.encoder = nn.TransformerEncoder(layer, layers, enable_nested_tensor=False)
        self.norm = nn.LayerNorm(dim)
        self.head = nn.Linear(dim, 10)

    def forward(self, x):  # [b, 16, 49]
        h = self.encoder(self.embed(x) + self.pos(self.positions))
        return self.head(self.norm(h.mean(dim=1)))


MODELS = {"W6": RowLstm, "W7": SmallVit}


def run(wl, epochs, warmup_batches, max_batches):
    Xtr, ytr, Xte, yte = (torch.from_numpy(a) for a in seqdata.sequences(wl))
    model = MODELS[wl]()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    n, bs = len(Xtr), 128
    model.train()

    def one_epoch(limit=None):
        perm = torch.randperm(n)
        total, seen = 0.0, 0
        for bi, i in enumerate(range(0, n, bs)):
            if limit is not None and bi >= limit:
                break
            idx = perm[i:i + bs]
            xb, yb = Xtr[idx], ytr[idx]
            opt.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            opt.step()
            total += loss.item() * len(idx)
            seen += len(idx)
        return total / seen

    res = {"workload": wl, "peer": "torch", "mode": "job"}
    if warmup_batches:
        t0 = time.perf_counter()
        one_epoch(limit=warmup_batches)
        res.update(warmup_batches=warmup_batches, warmup_s=time.perf_counter() - t0)
    epoch_times, epoch_losses = [], []
    for _ in range(epochs):
        t0 = time.perf_counter()
        epoch_losses.append(one_epoch(limit=max_batches))
        epoch_times.append(time.perf_counter() - t0)
    timed = epoch_times if warmup_batches else epoch_times[1:]
    model.eval()
    correct = 0
    with torch.no_grad():
        for i in range(0, len(Xte), 1000):
            correct += (model(Xte[i:i + 1000]).argmax(1) == yte[i:i + 1000]).sum().item()
    res.update(epochs=epochs, epoch_times=epoch_times, epoch_losses=epoch_losses,
               loop_s=statistics.median(timed) if timed else None,
               final_loss=epoch_losses[-1], test_acc=correct / len(Xte),
               parameters=sum(p.numel() for p in model.parameters()))
    if max_batches:
        res["max_batches"] = max_batches
    return res


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("workload", choices=sorted(MODELS))
    ap.add_argument("--epochs", type=int, default=2)
    ap.add_argument("--warmup-batches", type=int, default=0)
    ap.add_argument("--max-batches", type=int, default=None)
    a = ap.parse_args()
    res = run(a.workload, a.epochs, a.warmup_batches, a.max_batches)
    res["torch"] = torch.__version__
    res["torch_threads"] = torch.get_num_threads()
    res["env"] = {k: os.environ.get(k) for k in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "OMP_WAIT_POLICY")}
    seqdata.emit(res)


if __name__ == "__main__":
    main()
