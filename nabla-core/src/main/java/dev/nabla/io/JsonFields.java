package dev.nabla.io;

import java.util.List;
import java.util.Map;

/**
 * Typed, checked access to the fields of a parsed JSON object (model configs, file headers), so that a malformed
 * file is refused with the field's path and what was expected instead of a ClassCastException or NullPointerException:
 * <pre>{@code
 * JsonFields f = JsonFields.of(Json.parseObject("{\"units\": \"abc\"}"), "model.layers[2]");
 * int units = f.requirePositiveInt("units");   // model.layers[2].units: expected a positive integer, got "abc"
 * }</pre>
 * Errors are IllegalArgumentException; the reader of a file prefixes the file's name.
 */
public final class JsonFields {
    private final Map<?, ?> map;
    private final String where;

    /** The fields of {@code map}, which sits at path {@code where} ("" for the top of a file). */
    public JsonFields(Map<?, ?> map, String where) {
        this.map = map;
        this.where = where;
    }

    /** The fields of {@code value}, which must be a JSON object. */
    public static JsonFields of(Object value, String where) {
        if (!(value instanceof Map<?, ?> m)) throw new IllegalArgumentException(where + ": expected an object, got " + show(value));
        return new JsonFields(m, where);
    }

    /** The path of this object, as used in error messages. */
    public String where() {
        return where;
    }

    /** The path of one of its fields. */
    public String path(String key) {
        return where.isEmpty() ? key : where + "." + key;
    }

    public Map<?, ?> map() {
        return map;
    }

    /** The object as the JSON parser makes it, keyed by strings (for the {@code fromConfig} methods that take one). */
    @SuppressWarnings("unchecked")
    public Map<String, Object> object() {
        return (Map<String, Object>) map;
    }

    /** Whether the field is present and not null. */
    public boolean has(String key) {
        return map.get(key) != null;
    }

    /** An error about one field: {@code "<path>: <what>"}. */
    public IllegalArgumentException error(String key, String what) {
        return new IllegalArgumentException(path(key) + ": " + what);
    }

    private IllegalArgumentException expected(String key, String what) {
        Object v = map.get(key);
        return error(key, v == null && !map.containsKey(key) ? "missing (expected " + what + ")" : "expected " + what + ", got " + show(v));
    }

    public String requireString(String key) {
        if (!(map.get(key) instanceof String s)) throw expected(key, "a string");
        return s;
    }

    public String optionalString(String key, String otherwise) {
        return has(key) ? requireString(key) : otherwise;
    }

    public boolean optionalBoolean(String key, boolean otherwise) {
        Object v = map.get(key);
        if (v == null) return otherwise;
        if (!(v instanceof Boolean b)) throw expected(key, "true or false");
        return b;
    }

    public boolean requireBoolean(String key) {
        if (!(map.get(key) instanceof Boolean b)) throw expected(key, "true or false");
        return b;
    }

    public long requireLong(String key) {
        Long v = integral(map.get(key));
        if (v == null) throw expected(key, "an integer");
        return v;
    }

    public int requireInt(String key) {
        Long v = integral(map.get(key));
        if (v == null || v != v.intValue()) throw expected(key, "an integer");
        return v.intValue();
    }

    public int requirePositiveInt(String key) {
        Long v = integral(map.get(key));
        if (v == null || v != v.intValue() || v <= 0) throw expected(key, "a positive integer");
        return v.intValue();
    }

    /** A finite number. */
    public double requireDouble(String key) {
        if (!(map.get(key) instanceof Number n) || !Double.isFinite(n.doubleValue())) throw expected(key, "a finite number");
        return n.doubleValue();
    }

    public double optionalDouble(String key, double otherwise) {
        return has(key) ? requireDouble(key) : otherwise;
    }

    public List<?> requireList(String key) {
        if (!(map.get(key) instanceof List<?> l)) throw expected(key, "an array");
        return l;
    }

    /** The array, or an empty one when the field is absent. */
    public List<?> optionalList(String key) {
        return has(key) ? requireList(key) : List.of();
    }

    /** An array of non-negative integers (a shape). */
    public int[] requireShape(String key) {
        return shape(key, 0, "a non-negative integer");
    }

    /** An array of positive integers (a shape without empty axes). */
    public int[] requirePositiveShape(String key) {
        return shape(key, 1, "a positive integer");
    }

    private int[] shape(String key, int least, String what) {
        List<?> list = requireList(key);
        int[] a = new int[list.size()];
        for (int i = 0; i < a.length; i++) {
            Long v = integral(list.get(i));
            if (v == null || v < least || v > Integer.MAX_VALUE) throw error(key + "[" + i + "]", "expected " + what + ", got " + show(list.get(i)));
            a[i] = v.intValue();
        }
        return a;
    }

    public JsonFields requireObject(String key) {
        if (!(map.get(key) instanceof Map<?, ?> m)) throw expected(key, "an object");
        return new JsonFields(m, path(key));
    }

    /** The object, or null when the field is absent. */
    public JsonFields optionalObject(String key) {
        return has(key) ? requireObject(key) : null;
    }

    /** Element {@code index} of the array field {@code key}, which must be an object. */
    public JsonFields element(String key, int index) {
        return of(requireList(key).get(index), path(key) + "[" + index + "]");
    }

    /** The value as a long if it is a whole number (Python writes 16.0 for some integers), else null. */
    private static Long integral(Object v) {
        if (v instanceof Long || v instanceof Integer) return ((Number) v).longValue();
        if (v instanceof Double d && d == Math.rint(d) && Math.abs(d) < 1e15) return d.longValue();
        return null;
    }

    /** A value as an error message shows it: strings quoted, containers by kind, long text cut short. */
    public static String show(Object v) {
        if (v == null) return "null";
        if (v instanceof Map<?, ?>) return "an object";
        if (v instanceof List<?>) return "an array";
        String s = v instanceof String ? "\"" + v + "\"" : String.valueOf(v);
        return s.length() > 60 ? s.substring(0, 57) + "..." : s;
    }
}
