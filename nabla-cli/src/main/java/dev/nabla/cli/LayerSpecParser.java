package dev.nabla.cli;

import dev.nabla.nn.Activation;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Parses {@code --layers}: comma-separated tokens, in order.
 * <ul>
 *   <li>{@code 64} or {@code 64:relu}: Dense with that many units and activation (default linear);</li>
 *   <li>{@code conv:32:3} or {@code conv:32:3:relu} (optionally {@code :s2} stride, {@code :same} padding): Conv2D;</li>
 *   <li>{@code maxpool:2}, {@code avgpool:2}, {@code gap} (global average pooling), {@code flatten};</li>
 *   <li>{@code dropout:0.2}, {@code batchnorm}, {@code layernorm}, and a bare activation such as {@code relu};</li>
 *   <li>for texts: {@code embedding:64} (token vectors), {@code lstm:64}, {@code gru:64}, {@code rnn:64} (recurrent layers),
 *       {@code conv1d:64:5} (as conv, over the steps), {@code maxpool1d:2}, {@code avgpool1d:2}, {@code globalavgpool1d},
 *       {@code globalmaxpool1d} (over the steps, padding left out).</li>
 * </ul>
 * Errors name the token: {@code --layers: token 3 'foo:relu': expected units as an integer}.
 */
final class LayerSpecParser {

    enum Kind {
        DENSE, CONV, MAX_POOL, AVG_POOL, GLOBAL_AVG_POOL, FLATTEN, DROPOUT, BATCH_NORM, LAYER_NORM, ACTIVATION, EMBEDDING, LSTM, GRU, SIMPLE_RNN,
        CONV_1D, MAX_POOL_1D, AVG_POOL_1D, GLOBAL_AVG_POOL_1D, GLOBAL_MAX_POOL_1D;

        /** Layers that read [batch, time, features] step by step. */
        boolean recurrent() {
            return this == LSTM || this == GRU || this == SIMPLE_RNN;
        }

        /** Layers that need a time axis in their input. */
        boolean readsSequences() {
            return recurrent() || this == CONV_1D || this == MAX_POOL_1D || this == AVG_POOL_1D || this == GLOBAL_AVG_POOL_1D || this == GLOBAL_MAX_POOL_1D;
        }
    }

    /** One parsed token. {@code size} is units / filters / pool size; {@code kernel}, {@code stride} for conv. */
    record Spec(Kind kind, int size, int kernel, int stride, boolean same, double rate, Activation activation) {}

    private LayerSpecParser() {}

    static List<Spec> parse(String text) {
        if (text == null || text.isBlank()) throw new IllegalArgumentException("--layers: empty; example: 64:relu,32:relu,3:softmax");
        List<Spec> specs = new ArrayList<>();
        String[] tokens = text.split(",");
        for (int i = 0; i < tokens.length; i++) {
            String token = tokens[i].trim();
            try {
                specs.add(parseToken(token));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--layers: token " + (i + 1) + " '" + token + "': " + e.getMessage());
            }
        }
        return specs;
    }

    private static Spec parseToken(String token) {
        if (token.isEmpty()) throw new IllegalArgumentException("empty token");
        String[] p = token.toLowerCase(Locale.ROOT).split(":");
        switch (p[0]) {
            case "conv": case "conv2d": case "conv1d": {
                if (p.length < 3) throw new IllegalArgumentException("expected " + p[0] + ":FILTERS:KERNEL[:activation][:sSTRIDE][:same]");
                int filters = positive(p[1], "filters"), kernel = positive(p[2], "kernel size");
                Activation act = Activation.LINEAR;
                int stride = 1;
                boolean same = false;
                for (int i = 3; i < p.length; i++) {
                    if (p[i].equals("same")) same = true;
                    else if (p[i].equals("valid")) same = false;
                    else if (p[i].matches("s\\d+")) stride = positive(p[i].substring(1), "stride");
                    else act = activation(p[i]);
                }
                return new Spec(p[0].equals("conv1d") ? Kind.CONV_1D : Kind.CONV, filters, kernel, stride, same, 0, act);
            }
            case "maxpool": case "avgpool": case "maxpool1d": case "avgpool1d": {
                if (p.length != 2) throw new IllegalArgumentException("expected " + p[0] + ":SIZE");
                int size = positive(p[1], "pool size");
                Kind kind = switch (p[0]) {
                    case "maxpool" -> Kind.MAX_POOL;
                    case "avgpool" -> Kind.AVG_POOL;
                    case "maxpool1d" -> Kind.MAX_POOL_1D;
                    default -> Kind.AVG_POOL_1D;
                };
                return new Spec(kind, size, 0, size, false, 0, Activation.LINEAR);
            }
            case "globalavgpool1d": case "gap1d": return simple(Kind.GLOBAL_AVG_POOL_1D, p);
            case "globalmaxpool1d": case "gmp1d": return simple(Kind.GLOBAL_MAX_POOL_1D, p);
            case "embedding": return sized(Kind.EMBEDDING, p, "DIM", "dimension");
            case "lstm": return sized(Kind.LSTM, p, "UNITS", "units");
            case "gru": return sized(Kind.GRU, p, "UNITS", "units");
            case "rnn": case "simplernn": return sized(Kind.SIMPLE_RNN, p, "UNITS", "units");
            case "gap": return simple(Kind.GLOBAL_AVG_POOL, p);
            case "flatten": return simple(Kind.FLATTEN, p);
            case "batchnorm": return simple(Kind.BATCH_NORM, p);
            case "layernorm": return simple(Kind.LAYER_NORM, p);
            case "dropout": {
                if (p.length != 2) throw new IllegalArgumentException("expected dropout:RATE");
                double rate;
                try {
                    rate = Double.parseDouble(p[1]);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("expected the dropout rate as a number, got '" + p[1] + "'");
                }
                if (!(rate >= 0 && rate < 1)) throw new IllegalArgumentException("dropout rate must be in [0, 1), got " + p[1]);
                return new Spec(Kind.DROPOUT, 0, 0, 0, false, rate, Activation.LINEAR);
            }
            default:
                if (!Character.isDigit(p[0].charAt(0))) {
                    if (p.length == 1) return new Spec(Kind.ACTIVATION, 0, 0, 0, false, 0, activation(p[0]));
                    throw new IllegalArgumentException("expected units as an integer");
                }
                if (p.length > 2) throw new IllegalArgumentException("expected UNITS or UNITS:ACTIVATION");
                int units = positive(p[0], "units");
                return new Spec(Kind.DENSE, units, 0, 0, false, 0, p.length == 2 ? activation(p[1]) : Activation.LINEAR);
        }
    }

    /** {@code name:N}, e.g. {@code lstm:64}. */
    private static Spec sized(Kind kind, String[] p, String label, String what) {
        if (p.length != 2) throw new IllegalArgumentException("expected " + p[0] + ":" + label);
        return new Spec(kind, positive(p[1], what), 0, 0, false, 0, Activation.LINEAR);
    }

    private static Spec simple(Kind kind, String[] p) {
        if (p.length != 1) throw new IllegalArgumentException(p[0] + " takes no arguments");
        return new Spec(kind, 0, 0, 0, false, 0, Activation.LINEAR);
    }

    private static int positive(String s, String what) {
        try {
            int v = Integer.parseInt(s);
            if (v > 0) return v;
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("expected " + what + " as a positive integer, got '" + s + "'");
    }

    private static Activation activation(String s) {
        return Activation.parse(s);
    }
}
