"""Keras 3 (TensorFlow backend, CPU) peer for the sequence workloads of WORKLOADS.md: W6 (row-by-row LSTM on
Fashion-MNIST) and W7 (small vision Transformer). Idiomatic Keras: keras.layers.LSTM; for W7 the pre-LayerNorm
encoder block of keras.io's Vision Transformer example, built from LayerNormalization, MultiHeadAttention, Add and
Dense layers in the functional API. Trained as W4/W5 are in ../shared/peers/python/peer_keras.py, the faster style
there for mini-batch workloads: model.compile(Adam(1e-3, epsilon=1e-8), SparseCategoricalCrossentropy(from_logits=
True)) then model.fit(batch_size=128, shuffle=True, verbose=0), no metrics, Keras's default initialisation after
keras.utils.set_random_seed(0), layer defaults otherwise (LayerNormalization epsilon 1e-3, no dropout).
Threads: tf.config.threading intra-op 2, inter-op --inter-op (default 2). Nothing tuned beyond Keras's documentation.

usage: peer_keras_seq.py W6|W7 [--epochs N] [--warmup-batches N] [--max-batches N] [--inter-op N] [--intra-op N]
                         [--jit-compile]
  loop_s = median of the per-epoch times after the first (warm-up) epoch (all epochs with --warmup-batches N,
  N untimed batches first); --max-batches N cuts every epoch to N batches (for a quick check); --jit-compile is
  XLA, off by default as Keras's "auto" leaves it on a CPU-only machine. Prints one RESULT {json} line.
"""
import argparse
import os
import statistics
import time

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # only silences TF's C++ start-up log lines


def parse_args():
    ap = argparse.ArgumentParser()
    ap.add_argument("workload", choices=["W6", "W7"])
    ap.add_argument("--epochs", type=int, default=2)
    ap.add_argument("--warmup-batches", type=int, default=0)
    ap.add_argument("--max-batches", type=int, default=None)
    ap.add_argument("--intra-op", type=int, default=2)
    ap.add_argument("--inter-op", type=int, default=2)
    ap.add_argument("--jit-compile", action="store_true")
    return ap.parse_args()


A = parse_args()  # before TensorFlow starts: thread pools are fixed at the first op

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

tf.config.threading.set_intra_op_parallelism_threads(A.intra_op)
tf.config.threading.set_inter_op_parallelism_threads(A.inter_op)

import keras  # noqa: E402
from keras import layers  # noqa: E402

import seqdata  # noqa: E402

keras.utils.set_random_seed(0)


def row_lstm():
    """W6: LSTM(64) over the 28 rows of 28 pixels, last output (= last hidden state), dense 10."""
    return keras.Sequential([keras.Input(shape=(28, 28)), layers.LSTM(64), layers.Dense(10)])


class PatchEncoder(layers.Layer):
    """Linear patch embedding plus a learned position embedding, as in keras.io's ViT example."""

    def __init__(self, tokens, dim, **kwargs):
        super().__init__(**kwargs)
        self.tokens = tokens
        self.projection = layers.Dense(dim)
        self.position_embedding = layers.Embedding(input_dim=tokens, output_dim=dim)

    def call(self, patch):
        positions = keras.ops.expand_dims(keras.ops.arange(0, self.tokens), axis=0)
        return self.projection(patch) + self.position_embedding(positions)


def small_vit(tokens=16, patch=49, dim=64, heads=4, mlp=128, depth=2):
    """W7: 2 pre-LayerNorm encoder blocks (4 heads of 16, MLP 64-128-64 with exact GELU), mean, LayerNorm, dense 10."""
    inputs = keras.Input(shape=(tokens, patch))
    h = PatchEncoder(tokens, dim)(inputs)
    for _ in range(depth):
        x = layers.LayerNormalization()(h)
        x = layers.MultiHeadAttention(num_heads=heads, key_dim=dim // heads)(x, x)
        h = layers.Add()([x, h])
        x = layers.LayerNormalization()(h)
        x = layers.Dense(mlp, activation="gelu")(x)  # keras.activations.gelu: approximate=False by default
        x = layers.Dense(dim)(x)
        h = layers.Add()([x, h])
    h = layers.GlobalAveragePooling1D()(h)
    h = layers.LayerNormalization()(h)
    return keras.Model(inputs, layers.Dense(10)(h))


MODELS = {"W6": row_lstm, "W7": small_vit}


class EpochTimer(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.times = []

    def on_epoch_begin(self, epoch, logs=None):
        self._t0 = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.times.append(time.perf_counter() - self._t0)


def run(wl, epochs, warmup_batches, max_batches):
    Xtr, ytr, Xte, yte = seqdata.sequences(wl)
    model = MODELS[wl]()
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-3, epsilon=1e-8),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  jit_compile=A.jit_compile)
    bs = 128
    res = {"workload": wl, "peer": "keras", "mode": "job"}
    if warmup_batches:
        t0 = time.perf_counter()
        model.fit(Xtr, ytr, batch_size=bs, shuffle=True, epochs=1, steps_per_epoch=warmup_batches, verbose=0)
        res.update(warmup_batches=warmup_batches, warmup_s=time.perf_counter() - t0)
    timer = EpochTimer()
    t_fit = time.perf_counter()
    hist = model.fit(Xtr, ytr, batch_size=bs, shuffle=True, epochs=epochs, verbose=0,
                     steps_per_epoch=max_batches, callbacks=[timer])
    res["fit_s"] = time.perf_counter() - t_fit
    epoch_times, epoch_losses = timer.times, [float(v) for v in hist.history["loss"]]
    timed = epoch_times if warmup_batches else epoch_times[1:]
    pred = model.predict(Xte, batch_size=1000, verbose=0)
    res.update(epochs=epochs, epoch_times=epoch_times, epoch_losses=epoch_losses,
               loop_s=statistics.median(timed) if timed else None,
               final_loss=epoch_losses[-1], test_acc=float(np.mean(np.argmax(pred, 1) == yte)),
               parameters=model.count_params())
    if max_batches:
        res["max_batches"] = max_batches
    return res


def main():
    res = run(A.workload, A.epochs, A.warmup_batches, A.max_batches)
    res["style"] = "fit"
    res["jit_compile"] = A.jit_compile
    res["tensorflow"] = tf.__version__
    res["keras"] = keras.__version__
    res["tf_threads"] = {"intra": tf.config.threading.get_intra_op_parallelism_threads(),
                         "inter": tf.config.threading.get_inter_op_parallelism_threads()}
    res["env"] = {k: os.environ.get(k) for k in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "TF_ENABLE_ONEDNN_OPTS")}
    seqdata.emit(res)


if __name__ == "__main__":
    main()
