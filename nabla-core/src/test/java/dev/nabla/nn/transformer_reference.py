"""Reference numbers for MultiHeadAttentionTest and TransformerLayersTest (fixtures/pytorch-transformer.json).

Run from the repository root:  /work/venv/bin/python nabla-core/src/test/java/dev/nabla/nn/transformer_reference.py
PyTorch in float64; parameters keep PyTorch's names and layouts (param.*); grad.* are gradients of sum(up * y).
Masks are written as Nabla's padding masks (1 = real step, 0 = padding), the opposite of PyTorch's key_padding_mask.
"""
import json
import torch

torch.manual_seed(16)
torch.set_default_dtype(torch.float64)
B, TQ, TK, D, H, FF = 3, 4, 5, 8, 2, 16
OUT = "nabla-core/src/test/resources/fixtures/pytorch-transformer.json"


def causal(tq, tk):
    return torch.triu(torch.ones(tq, tk, dtype=torch.bool), diagonal=1)  # True = may not attend


def entry(module, inputs, run, note, masks):
    for t in inputs.values():
        t.requires_grad_(True)
    y = run(**inputs)
    up = torch.randn_like(y)
    (y * up).sum().backward()
    e = {"note": note}
    for k, t in inputs.items():
        e[k] = t.detach().tolist()
    for k, m in masks.items():
        e[k] = (~m).double().tolist()
    for name, p in module.named_parameters():
        e["param." + name] = p.detach().tolist()
    e["y"] = y.detach().tolist()
    e["up"] = up.tolist()
    for k, t in inputs.items():
        e["grad." + k] = t.grad.tolist()
    for name, p in module.named_parameters():
        e["grad.param." + name] = p.grad.tolist()
    return e


def randomize(module):
    with torch.no_grad():
        for p in module.parameters():
            p.add_(0.1 * torch.randn_like(p))  # non-zero biases and non-unit norms, so that every parameter is tested


padded = torch.tensor([[0, 0, 0, 1, 1], [0, 0, 0, 0, 0], [0, 0, 0, 0, 1]], dtype=torch.bool)  # True = padded key
out = {}

mha = torch.nn.MultiheadAttention(D, H, batch_first=True)
randomize(mha)
out["mha_cross_causal"] = entry(mha, {"query": torch.randn(B, TQ, D), "key": torch.randn(B, TK, D), "value": torch.randn(B, TK, D)},
                                lambda query, key, value: mha(query, key, value, key_padding_mask=padded,
                                                              attn_mask=causal(TQ, TK), need_weights=False)[0],
                                "nn.MultiheadAttention(8, 2, batch_first) cross-attention, key != value, causal attn_mask (query i sees keys "
                                "j <= i), key_padding_mask; key_mask is 1 for a real key", {"key_mask": padded})

for norm_first in (False, True):
    enc = torch.nn.TransformerEncoderLayer(D, H, FF, dropout=0.0, activation="relu", batch_first=True, norm_first=norm_first)
    randomize(enc)
    out["encoder_relu_" + ("prenorm" if norm_first else "postnorm")] = entry(
        enc, {"x": torch.randn(B, TK, D)}, lambda x: enc(x, src_key_padding_mask=padded),
        "nn.TransformerEncoderLayer(8, 2, 16, dropout=0, relu, batch_first, norm_first=%s), src_key_padding_mask" % norm_first,
        {"mask": padded})

    dec = torch.nn.TransformerDecoderLayer(D, H, FF, dropout=0.0, activation="gelu", batch_first=True, norm_first=norm_first)
    randomize(dec)
    out["decoder_gelu_" + ("prenorm" if norm_first else "postnorm")] = entry(
        dec, {"x": torch.randn(B, TQ, D), "memory": torch.randn(B, TK, D)},
        lambda x, memory: dec(x, memory, tgt_mask=causal(TQ, TQ), tgt_is_causal=True, memory_key_padding_mask=padded),
        "nn.TransformerDecoderLayer(8, 2, 16, dropout=0, gelu exact, batch_first, norm_first=%s): causal self-attention on x, "
        "cross-attention on memory with memory_key_padding_mask (memory_mask: 1 = real step)" % norm_first,
        {"memory_mask": padded})

with open(OUT, "w") as f:
    json.dump(out, f)
print("wrote", OUT, "with torch", torch.__version__)
