package dev.nabla.kernels;

/** Elementwise binary operations; comparisons give 1 where true and 0 where false. */
public enum BinaryOp {
    ADD, SUB, MUL, DIV, POW, MAX, MIN, GT, GE, LT, LE, EQ, NE;

    private final String opName = name().toLowerCase(java.util.Locale.ROOT);

    /** The op's name in graphs and error messages, e.g. {@code "add"}; computed once, not per call. */
    public String opName() {
        return opName;
    }

    float apply(float x, float y) {
        switch (this) {
            case ADD: return x + y;
            case SUB: return x - y;
            case MUL: return x * y;
            case DIV: return x / y;
            case POW: return (float) Math.pow(x, y);
            case MAX: return Math.max(x, y);
            case MIN: return Math.min(x, y);
            case GT: return x > y ? 1f : 0f;
            case GE: return x >= y ? 1f : 0f;
            case LT: return x < y ? 1f : 0f;
            case LE: return x <= y ? 1f : 0f;
            case EQ: return x == y ? 1f : 0f;
            case NE: return x != y ? 1f : 0f;
            default: throw new AssertionError(this);
        }
    }
}
