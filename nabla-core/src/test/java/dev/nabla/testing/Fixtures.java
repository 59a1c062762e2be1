package dev.nabla.testing;

import dev.nabla.io.Json;
import dev.nabla.tensor.Tensor;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The PyTorch reference values (float64) of {@code fixtures/pytorch-reference.json}: {@code Fixtures.tensor("conv2d", "x")}
 * reads a nested list as a float32 tensor of its shape.
 */
public final class Fixtures {

    private static Map<String, Object> all;

    private Fixtures() {}

    private static Map<String, Object> sequence;

    private static synchronized Map<String, Object> all() {
        if (all == null) all = load("/fixtures/pytorch-reference.json");
        return all;
    }

    /** The sequence layers' references, {@code fixtures/pytorch-sequence.json}. */
    private static synchronized Map<String, Object> sequence() {
        if (sequence == null) sequence = load("/fixtures/pytorch-sequence.json");
        return sequence;
    }

    private static Map<String, Object> load(String resource) {
        try (InputStream in = Fixtures.class.getResourceAsStream(resource)) {
            return Json.parseObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The value at a path of keys, e.g. ("losses", "mse", "value"). */
    public static Object get(String... path) {
        return at(all(), path);
    }

    private static Object at(Map<String, Object> root, String... path) {
        Object o = root;
        for (String k : path) {
            if (!(o instanceof Map<?, ?> m) || !m.containsKey(k)) throw new IllegalArgumentException("fixture has no " + String.join("/", path));
            o = m.get(k);
        }
        return o;
    }

    public static double number(String... path) {
        return ((Number) get(path)).doubleValue();
    }

    /** A nested list as a tensor (shape from the nesting). */
    public static Tensor tensor(String... path) {
        return asTensor(get(path));
    }

    /** As {@link #tensor}, from {@code pytorch-sequence.json}: {@code Fixtures.sequenceTensor("conv1d", "x")}. */
    public static Tensor sequenceTensor(String... path) {
        return asTensor(at(sequence(), path));
    }

    /** As {@link #number}, from {@code pytorch-sequence.json}. */
    public static double sequenceNumber(String... path) {
        return ((Number) at(sequence(), path)).doubleValue();
    }

    private static Tensor asTensor(Object o) {
        List<Integer> shape = new ArrayList<>();
        for (Object cur = o; cur instanceof List<?> l; cur = l.isEmpty() ? null : l.get(0)) shape.add(l.size());
        List<Double> flat = new ArrayList<>();
        flatten(o, flat);
        float[] data = new float[flat.size()];
        for (int i = 0; i < data.length; i++) data[i] = flat.get(i).floatValue();
        int[] s = shape.stream().mapToInt(Integer::intValue).toArray();
        return s.length == 0 ? Tensor.scalar(data[0]) : Tensor.of(data, s);
    }

    private static void flatten(Object o, List<Double> out) {
        if (o instanceof List<?> l) for (Object e : l) flatten(e, out);
        else out.add(((Number) o).doubleValue());
    }

    /** Asserts same shape and |actual - expected| &lt;= atol + rtol |expected| everywhere (float32 tolerance by default). */
    public static void assertClose(String what, Tensor actual, Tensor expected) {
        assertClose(what, actual, expected, 1e-4, 1e-5);
    }

    public static void assertClose(String what, Tensor actual, Tensor expected, double rtol, double atol) {
        assertThat(actual.shape()).as(what + " shape").containsExactly(expected.shape());
        float[] a = actual.data(), e = expected.data();
        for (int i = 0; i < a.length; i++) {
            assertThat((double) Math.abs(a[i] - e[i])).as("%s at flat index %d: %s vs expected %s", what, i, a[i], e[i])
                    .isLessThanOrEqualTo(atol + rtol * Math.abs(e[i]));
        }
    }
}
