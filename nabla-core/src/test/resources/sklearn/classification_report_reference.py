# Computes the scikit-learn numbers written into ClassificationReportTest (run once: python3 this.py).
# Scores are rounded to 2 decimals so that ties occur, as they do with real models.
import numpy as np
from sklearn.metrics import (classification_report, roc_auc_score, average_precision_score, confusion_matrix,
                             mean_absolute_error, mean_squared_error, r2_score)
from sklearn.preprocessing import label_binarize

rng = np.random.default_rng(7)
n, k = 24, 3
y = rng.integers(0, k, n)
y[:3] = [0, 1, 2]
logits = rng.normal(size=(n, k)) + 1.5 * np.eye(k)[y]
p = np.exp(logits) / np.exp(logits).sum(1, keepdims=True)
p = np.round(p, 2)
print("y =", list(map(int, y)))
print("p =", [float(v) for v in p.ravel()])
print(classification_report(y, p.argmax(1), digits=6, zero_division=0))
print("confusion", confusion_matrix(y, p.argmax(1)).tolist())
# roc_auc_score(multi_class="ovr") wants rows summing to 1, which the rounding breaks; the macro one-vs-rest AUC it
# computes is the mean of these per-class AUCs:
print("roc_auc ovr macro", repr(np.mean([roc_auc_score(y == c, p[:, c]) for c in range(k)])))
print("pr_auc macro", repr(average_precision_score(label_binarize(y, classes=range(k)), p, average="macro")))

yb = (rng.random(16) < 0.4).astype(int)
yb[:2] = [0, 1]
pb = np.round(np.clip(0.35 * yb + rng.random(16) * 0.65, 0, 1), 1)
print("yb =", list(map(int, yb)))
print("pb =", [float(v) for v in pb])
print(classification_report(yb, (pb > 0.5).astype(int), digits=6, zero_division=0))
print("binary roc_auc", repr(roc_auc_score(yb, pb)), "pr_auc", repr(average_precision_score(yb, pb)))

t = rng.normal(size=10)
q = t + 0.3 * rng.normal(size=10)
print("t =", [float(v) for v in np.round(t, 3)])
print("q =", [float(v) for v in np.round(q, 3)])
t, q = np.round(t, 3), np.round(q, 3)
print("mae", repr(mean_absolute_error(t, q)), "rmse", repr(float(np.sqrt(mean_squared_error(t, q)))), "r2", repr(r2_score(t, q)))
