package dev.slotgrid.soak;

import java.util.Collection;
import java.util.Map;

/**
 * Writes a tree of {@link Map}s (insertion order kept), {@link Collection}s, arrays of
 * {@code double}/{@code long}, strings, numbers, booleans and {@code null} as indented JSON. A
 * non-finite double becomes {@code null}. Enough for the report; no dependency.
 */
final class Json {

    private Json() {
    }

    static String write(Object value) {
        StringBuilder out = new StringBuilder();
        write(out, value, 0);
        return out.append('\n').toString();
    }

    private static void write(StringBuilder out, Object value, int depth) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof String s) {
            string(out, s);
        } else if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            out.append(Double.isFinite(d) ? number(d) : "null");
        } else if (value instanceof Number || value instanceof Boolean) {
            out.append(value);
        } else if (value instanceof Enum<?> e) {
            string(out, e.name());
        } else if (value instanceof Map<?, ?> map) {
            out.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                out.append(first ? "\n" : ",\n").append("  ".repeat(depth + 1));
                string(out, String.valueOf(entry.getKey()));
                out.append(": ");
                write(out, entry.getValue(), depth + 1);
                first = false;
            }
            out.append(first ? "}" : "\n" + "  ".repeat(depth) + "}");
        } else if (value instanceof Collection<?> list) {
            out.append('[');
            boolean first = true;
            boolean flat = list.stream().allMatch(v -> v == null || v instanceof Number || v instanceof String);
            for (Object item : list) {
                out.append(first ? "" : ",").append(flat ? (first ? "" : " ") : "\n" + "  ".repeat(depth + 1));
                write(out, item, depth + 1);
                first = false;
            }
            out.append(flat || first ? "]" : "\n" + "  ".repeat(depth) + "]");
        } else if (value instanceof double[] doubles) {
            write(out, java.util.Arrays.stream(doubles).boxed().toList(), depth);
        } else if (value instanceof long[] longs) {
            write(out, java.util.Arrays.stream(longs).boxed().toList(), depth);
        } else {
            string(out, value.toString());
        }
    }

    private static String number(double d) {
        if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            return Long.toString((long) d);
        }
        return new java.math.BigDecimal(d).round(new java.math.MathContext(6)).stripTrailingZeros().toPlainString();
    }

    private static void string(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
