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

    private static final Map<String, Map<String, Object>> FILES = new java.util.HashMap<>();

    private Fixtures() {}

    private static Map<String, Object> all() {
        return file("pytorch-reference.json");
    }

    /** The parsed fixture file {@code fixtures/<name>} of the test resources. */
    private static synchronized Map<String, Object> file(String name) {
        return FILES.computeIfAbsent(name, n -> {
            try (InputStream in = Fixtures.class.getResourceAsStream("/fixtures/" + n)) {
                return Json.parseObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** An entry of {@code fixtures/pytorch-sequence.json} as a tensor: {@code sequence("mha_self_padmask", "x")}. */
    public static Tensor sequence(String... path) {
        return tensorIn("pytorch-sequence.json", path);
    }

    /** An entry of the fixture file {@code fixtures/<file>} as a tensor. */
    public static Tensor tensorIn(String file, String... path) {
        return toTensor(find(file(file), path));
    }

    /** The value at a path of keys, e.g. ("losses", "mse", "value"). */
    public static Object get(String... path) {
        return find(all(), path);
    }

    private static Object find(Map<String, Object> root, String... path) {
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
        return toTensor(get(path));
    }

    /** As {@link #number}, from {@code pytorch-sequence.json}. */
    public static double sequenceNumber(String... path) {
        return ((Number) find(file("pytorch-sequence.json"), path)).doubleValue();
    }

    /** A nested list (as the JSON reader gives it) as a tensor, its shape from the nesting. */
    public static Tensor toTensor(Object o) {
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
