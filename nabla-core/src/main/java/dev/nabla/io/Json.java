package dev.nabla.io;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small JSON reader and writer for model configs and file headers, so the core needs no JSON dependency.
 * Values map to Java as: object - {@code LinkedHashMap<String, Object>} (key order kept), array - {@code List<Object>},
 * string - String, integer literal - Long, other number - Double, true/false - Boolean, null - null.
 * Like Python's {@code json}, NaN and ±Infinity are written and read as the bare words {@code NaN}, {@code Infinity}
 * and {@code -Infinity}; a number literal too large for a double (1e400) is an error, not Infinity.
 * Writing accepts any {@link Number}, {@link CharSequence}, Boolean, null, {@link Map}, {@link Iterable},
 * {@code int[]}, {@code long[]}, {@code float[]}, {@code double[]} and enums (by name).
 */
public final class Json {
    /**
     * The deepest nesting of arrays and objects the parser accepts. Nabla's own files nest fewer than 20 levels; 512
     * leaves room for any hand-written or foreign config while keeping the recursive parser far from the thread's
     * stack limit (5000 levels overflowed a default stack).
     */
    public static final int MAX_DEPTH = 512;

    private Json() {}

    public static String write(Object value) {
        StringBuilder sb = new StringBuilder();
        write(sb, value, -1, 0);
        return sb.toString();
    }

    /** Indented output, for files people read. */
    public static String writePretty(Object value) {
        StringBuilder sb = new StringBuilder();
        write(sb, value, 2, 0);
        return sb.toString();
    }

    private static void write(StringBuilder sb, Object v, int indent, int depth) {
        if (v == null) {
            sb.append("null");
        } else if (v instanceof CharSequence || v instanceof Enum<?>) {
            quote(sb, v instanceof Enum<?> ? ((Enum<?>) v).name() : v.toString());
        } else if (v instanceof Boolean) {
            sb.append(v);
        } else if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            // Non-finite values (a diverged loss in a history) are written as Python's json writes and reads them.
            if (Double.isNaN(d)) sb.append("NaN");
            else if (Double.isInfinite(d)) sb.append(d > 0 ? "Infinity" : "-Infinity");
            else if (d == Math.rint(d) && Math.abs(d) < 1e15) sb.append((long) d).append(".0");
            else sb.append(v instanceof Float ? Float.toString((Float) v) : Double.toString(d));
        } else if (v instanceof Number) {
            sb.append(((Number) v).longValue());
        } else if (v instanceof Map<?, ?>) {
            Map<?, ?> m = (Map<?, ?>) v;
            sb.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!first) sb.append(',');
                first = false;
                newline(sb, indent, depth + 1);
                quote(sb, String.valueOf(e.getKey()));
                sb.append(indent >= 0 ? ": " : ":");
                write(sb, e.getValue(), indent, depth + 1);
            }
            if (!m.isEmpty()) newline(sb, indent, depth);
            sb.append('}');
        } else if (v instanceof Iterable<?>) {
            writeArray(sb, toList(v), indent, depth);
        } else if (v.getClass().isArray()) {
            writeArray(sb, toList(v), indent, depth);
        } else {
            throw new IllegalArgumentException("JSON cannot hold a " + v.getClass().getName());
        }
    }

    private static List<Object> toList(Object v) {
        List<Object> out = new ArrayList<>();
        if (v instanceof Iterable<?>) {
            for (Object o : (Iterable<?>) v) out.add(o);
        } else if (v instanceof int[]) {
            for (int x : (int[]) v) out.add(x);
        } else if (v instanceof long[]) {
            for (long x : (long[]) v) out.add(x);
        } else if (v instanceof float[]) {
            for (float x : (float[]) v) out.add(x);
        } else if (v instanceof double[]) {
            for (double x : (double[]) v) out.add(x);
        } else if (v instanceof Object[]) {
            out.addAll(List.of((Object[]) v));
        } else {
            throw new IllegalArgumentException("JSON cannot hold a " + v.getClass().getName());
        }
        return out;
    }

    private static void writeArray(StringBuilder sb, List<Object> items, int indent, int depth) {
        boolean scalars = items.stream().noneMatch(o -> o instanceof Map<?, ?> || o instanceof Iterable<?>);
        sb.append('[');
        for (int i = 0; i < items.size(); i++) {
            if (i > 0) sb.append(scalars && indent >= 0 ? ", " : ",");
            if (!scalars) newline(sb, indent, depth + 1);
            write(sb, items.get(i), indent, depth + 1);
        }
        if (!scalars && !items.isEmpty()) newline(sb, indent, depth);
        sb.append(']');
    }

    private static void newline(StringBuilder sb, int indent, int depth) {
        if (indent < 0) return;
        sb.append('\n');
        for (int i = 0; i < indent * depth; i++) sb.append(' ');
    }

    private static void quote(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"': sb.append("\\\""); break;
                case '\\': sb.append("\\\\"); break;
                case '\n': sb.append("\\n"); break;
                case '\r': sb.append("\\r"); break;
                case '\t': sb.append("\\t"); break;
                case '\b': sb.append("\\b"); break;
                case '\f': sb.append("\\f"); break;
                default:
                    if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
                    else sb.append(c);
            }
        }
        sb.append('"');
    }

    /** Parses one JSON value; trailing content other than whitespace is an error. */
    public static Object parse(String text) {
        Parser p = new Parser(text);
        p.skipWhitespace();
        Object v = p.value();
        p.skipWhitespace();
        if (p.pos != text.length()) throw p.error("unexpected content after the value");
        return v;
    }

    /** Parses a JSON object. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> parseObject(String text) {
        Object v = parse(text);
        if (!(v instanceof Map)) throw new IllegalArgumentException("JSON: expected an object, found " + describe(v));
        return (Map<String, Object>) v;
    }

    /** Parses a JSON object; errors start with {@code origin} (the file or entry the text came from). */
    public static Map<String, Object> parseObject(String text, String origin) {
        try {
            return parseObject(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(origin + ": " + e.getMessage(), e);
        }
    }

    private static String describe(Object v) {
        return v == null ? "null" : v instanceof Map ? "an object" : v instanceof List ? "an array" : "a value " + v;
    }

    private static final class Parser {
        private final String s;
        private int pos;
        private int depth;

        Parser(String s) {
            this.s = s;
        }

        IllegalArgumentException error(String what) {
            int line = 1, col = 1;
            for (int i = 0; i < Math.min(pos, s.length()); i++) {
                if (s.charAt(i) == '\n') {
                    line++;
                    col = 1;
                } else {
                    col++;
                }
            }
            return new IllegalArgumentException("JSON: " + what + " at line " + line + ", column " + col + " (offset " + pos + ")");
        }

        void skipWhitespace() {
            while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) pos++;
        }

        Object value() {
            if (pos >= s.length()) throw error("unexpected end of input");
            char c = s.charAt(pos);
            switch (c) {
                case '{': return nested(this::object);
                case '[': return nested(this::array);
                case '"': return string();
                case 't': return literal("true", Boolean.TRUE);
                case 'f': return literal("false", Boolean.FALSE);
                case 'n': return literal("null", null);
                case 'N': return literal("NaN", Double.NaN);
                case 'I': return literal("Infinity", Double.POSITIVE_INFINITY);
                default:
                    if (s.startsWith("-Infinity", pos)) return literal("-Infinity", Double.NEGATIVE_INFINITY);
                    if (c == '-' || (c >= '0' && c <= '9')) return number();
                    throw error("unexpected character '" + c + "'");
            }
        }

        private Object literal(String word, Object v) {
            if (!s.startsWith(word, pos)) throw error("expected " + word);
            pos += word.length();
            return v;
        }

        /** Parses an array or object one level deeper; the parser recurses once per level. */
        private Object nested(java.util.function.Supplier<Object> container) {
            if (++depth > MAX_DEPTH) throw error("nested deeper than " + MAX_DEPTH + " levels");
            Object v = container.get();
            depth--;
            return v;
        }

        private Map<String, Object> object() {
            Map<String, Object> m = new LinkedHashMap<>();
            pos++;
            skipWhitespace();
            if (peek() == '}') {
                pos++;
                return m;
            }
            while (true) {
                skipWhitespace();
                if (peek() != '"') throw error("expected a string key");
                String key = string();
                skipWhitespace();
                if (peek() != ':') throw error("expected ':'");
                pos++;
                skipWhitespace();
                m.put(key, value());
                skipWhitespace();
                char c = peek();
                pos++;
                if (c == '}') return m;
                if (c != ',') {
                    pos--;
                    throw error("expected ',' or '}'");
                }
            }
        }

        private List<Object> array() {
            List<Object> list = new ArrayList<>();
            pos++;
            skipWhitespace();
            if (peek() == ']') {
                pos++;
                return list;
            }
            while (true) {
                skipWhitespace();
                list.add(value());
                skipWhitespace();
                char c = peek();
                pos++;
                if (c == ']') return list;
                if (c != ',') {
                    pos--;
                    throw error("expected ',' or ']'");
                }
            }
        }

        private char peek() {
            if (pos >= s.length()) throw error("unexpected end of input");
            return s.charAt(pos);
        }

        private String string() {
            StringBuilder sb = new StringBuilder();
            pos++;
            while (true) {
                char c = peek();
                pos++;
                if (c == '"') return sb.toString();
                if (c != '\\') {
                    sb.append(c);
                    continue;
                }
                char e = peek();
                pos++;
                switch (e) {
                    case '"': sb.append('"'); break;
                    case '\\': sb.append('\\'); break;
                    case '/': sb.append('/'); break;
                    case 'b': sb.append('\b'); break;
                    case 'f': sb.append('\f'); break;
                    case 'n': sb.append('\n'); break;
                    case 'r': sb.append('\r'); break;
                    case 't': sb.append('\t'); break;
                    case 'u':
                        if (pos + 4 > s.length()) throw error("truncated \\u escape");
                        try {
                            sb.append((char) Integer.parseInt(s.substring(pos, pos + 4), 16));
                        } catch (NumberFormatException ex) {
                            throw error("bad \\u escape");
                        }
                        pos += 4;
                        break;
                    default: throw error("bad escape '\\" + e + "'");
                }
            }
        }

        private Object number() {
            int start = pos;
            if (s.charAt(pos) == '-') pos++;
            boolean integral = true;
            while (pos < s.length()) {
                char c = s.charAt(pos);
                if (c >= '0' && c <= '9') {
                    pos++;
                } else if (c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-') {
                    integral = false;
                    pos++;
                } else {
                    break;
                }
            }
            String t = s.substring(start, pos);
            double d;
            try {
                if (integral) {
                    try {
                        return Long.parseLong(t);
                    } catch (NumberFormatException tooLong) {
                        // beyond a long: read as a double below
                    }
                }
                d = Double.parseDouble(t);
            } catch (NumberFormatException e) {
                pos = start;
                throw error("bad number '" + t + "'");
            }
            if (Double.isInfinite(d)) {
                pos = start;
                throw error("number '" + t + "' is out of range of a double");
            }
            return d;
        }
    }
}
