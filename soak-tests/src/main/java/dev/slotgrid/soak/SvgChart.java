package dev.slotgrid.soak;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.DoubleFunction;

/**
 * A time-series chart rendered as a standalone SVG: lines (broken at NaN), bars, shaded time
 * windows, horizontal bands, vertical event markers, a legend and labelled axes. The x axis is
 * seconds from the start of the run, shown as {@code m:ss}; the y axis is linear from zero or
 * logarithmic. No scripts, no fonts or styles fetched from anywhere.
 *
 * <p>Not thread-safe; build, render, discard.
 */
final class SvgChart {

    private record Line(String name, String color, double[] x, double[] y, boolean dashed) {
    }

    private record Bars(String name, String color, double[] x, double[] y, double width) {
    }

    private record Window(double from, double to, String label, String color) {
    }

    private record Band(double from, double to, String label, String color) {
    }

    private record Marker(double x, String color, String name, boolean dotted) {
    }

    static final int WIDTH = 1100;
    static final int HEIGHT = 300;
    private static final int LEFT = 78;
    private static final int RIGHT = 20;
    /** The plot's top when the legend takes one row; each further row adds {@value #LEGEND_ROW}. */
    private static final int TOP_ONE_ROW = 46;
    private static final int LEGEND_ROW = 17;
    private static final int BOTTOM = 36;

    private final String title;
    private final double xMax;
    private final DoubleFunction<String> yFormat;
    private final List<Line> lines = new ArrayList<>();
    private final List<Bars> bars = new ArrayList<>();
    private final List<Window> windows = new ArrayList<>();
    private final List<Band> bands = new ArrayList<>();
    private final List<Marker> markers = new ArrayList<>();
    private boolean logY;
    private double yMinFixed = Double.NaN;
    private double yMaxFixed = Double.NaN;
    private String emptyNote = "no data";
    private int top = TOP_ONE_ROW;

    SvgChart(String title, double xMaxSeconds, DoubleFunction<String> yFormat) {
        this.title = title;
        this.xMax = Math.max(xMaxSeconds, 1);
        this.yFormat = yFormat;
    }

    SvgChart logY() {
        this.logY = true;
        return this;
    }

    /** Fixes the y range (NaN keeps the automatic bound). */
    SvgChart yRange(double min, double max) {
        this.yMinFixed = min;
        this.yMaxFixed = max;
        return this;
    }

    SvgChart line(String name, String color, double[] x, double[] y) {
        lines.add(new Line(name, color, x, y, false));
        return this;
    }

    SvgChart dashedLine(String name, String color, double[] x, double[] y) {
        lines.add(new Line(name, color, x, y, true));
        return this;
    }

    SvgChart bars(String name, String color, double[] x, double[] y, double widthSeconds) {
        bars.add(new Bars(name, color, x, y, widthSeconds));
        return this;
    }

    SvgChart window(double from, double to, String label, String color) {
        if (to > from) {
            windows.add(new Window(from, to, label, color));
        }
        return this;
    }

    SvgChart band(double from, double to, String label, String color) {
        bands.add(new Band(from, to, label, color));
        return this;
    }

    SvgChart marker(double x, String color, String name) {
        markers.add(new Marker(x, color, name, false));
        return this;
    }

    /** A vertical marker drawn dotted and heavier, to tell a second kind of event from the dashed ones. */
    SvgChart dottedMarker(double x, String color, String name) {
        markers.add(new Marker(x, color, name, true));
        return this;
    }

    /** The text shown instead of a plot when no series has a value. */
    SvgChart whenEmpty(String note) {
        this.emptyNote = note;
        return this;
    }

    String render() {
        StringBuilder legend = new StringBuilder();
        int rows = legend(legend);
        top = TOP_ONE_ROW + (rows - 1) * LEGEND_ROW;
        int height = HEIGHT + (rows - 1) * LEGEND_ROW;
        double plotW = WIDTH - LEFT - RIGHT;
        double plotH = height - top - BOTTOM;
        double[] yr = yRange();
        boolean empty = Double.isNaN(yr[0]);
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
                + "width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"12\" role=\"img\">%n",
                WIDTH, height, WIDTH, height));
        svg.append(String.format("<title>%s</title>%n", escape(title)));
        svg.append(String.format("<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", WIDTH, height));
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"18\" font-size=\"15\" font-weight=\"bold\">%s</text>%n",
                LEFT, escape(title)));
        svg.append(legend);
        if (empty) {
            svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%.0f\" height=\"%.0f\" fill=\"#f6f6f6\" "
                    + "stroke=\"#ccc\"/>%n", LEFT, top, plotW, plotH));
            svg.append(String.format(Locale.ROOT, "<text x=\"%.0f\" y=\"%.0f\" text-anchor=\"middle\" fill=\"#666\" "
                    + "font-size=\"14\">%s</text>%n", LEFT + plotW / 2, top + plotH / 2, escape(emptyNote)));
            xAxis(svg, plotW, plotH, height);
            return svg.append("</svg>\n").toString();
        }
        double yMin = yr[0];
        double yMax = yr[1];
        for (Band band : bands) {
            double y0 = yPix(Math.max(band.from, yMin), yMin, yMax, plotH);
            double y1 = yPix(Math.min(band.to, yMax), yMin, yMax, plotH);
            if (y0 > y1) {
                svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\" "
                        + "fill-opacity=\"0.18\"/>%n", LEFT, y1, plotW, y0 - y1, band.color));
                svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" fill=\"%s\" "
                        + "font-size=\"11\">%s</text>%n", LEFT + plotW - 4, y1 + 13, band.color, escape(band.label)));
            }
        }
        for (Window window : windows) {
            double x0 = xPix(window.from, plotW);
            double x1 = xPix(Math.min(window.to, xMax), plotW);
            svg.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%.0f\" fill=\"%s\" "
                    + "fill-opacity=\"0.15\"/>%n", x0, top, Math.max(1, x1 - x0), plotH, window.color));
            svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" fill=\"%s\" font-size=\"11\">%s</text>%n",
                    x0 + 3, top + 12, window.color, escape(window.label)));
        }
        yAxis(svg, yMin, yMax, plotW, plotH);
        xAxis(svg, plotW, plotH, height);
        for (Marker marker : markers) {
            double x = xPix(marker.x, plotW);
            svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%.0f\" stroke=\"%s\" "
                    + "stroke-width=\"%s\" stroke-dasharray=\"%s\"><title>%s</title></line>%n", x, top, x, top + plotH,
                    marker.color, marker.dotted ? "2.5" : "1.5", marker.dotted ? "1.5 2.5" : "4 3",
                    escape(marker.name + " at " + ProgressLine.clock(marker.x))));
        }
        for (Bars bar : bars) {
            double w = Math.max(1, bar.width / xMax * plotW * 0.8);
            for (int i = 0; i < bar.x.length; i++) {
                if (Double.isFinite(bar.y[i]) && bar.y[i] > 0) {
                    double barTop = yPix(Math.max(bar.y[i], yMin), yMin, yMax, plotH);
                    svg.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                            + "fill=\"%s\"/>%n", xPix(bar.x[i], plotW) - w, barTop, w, top + plotH - barTop, bar.color));
                }
            }
        }
        for (Line line : lines) {
            StringBuilder path = new StringBuilder();
            boolean pen = false;
            for (int i = 0; i < line.x.length; i++) {
                double v = line.y[i];
                if (!Double.isFinite(v) || (logY && v <= 0)) {
                    pen = false;
                    continue;
                }
                path.append(pen ? "L" : "M").append(String.format(Locale.ROOT, "%.1f %.1f ", xPix(line.x[i], plotW),
                        yPix(Math.min(Math.max(v, yMin), yMax), yMin, yMax, plotH)));
                pen = true;
            }
            svg.append(String.format("<path d=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"1.6\"%s "
                    + "stroke-linejoin=\"round\"/>%n", path.toString().trim(), line.color,
                    line.dashed ? " stroke-dasharray=\"6 3\"" : ""));
        }
        svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%.0f\" height=\"%.0f\" fill=\"none\" "
                + "stroke=\"#888\"/>%n", LEFT, top, plotW, plotH));
        return svg.append("</svg>\n").toString();
    }

    /** Writes the legend, wrapping to more rows as needed; returns the number of rows. */
    private int legend(StringBuilder svg) {
        double x = LEFT;
        int row = 0;
        List<String[]> items = new ArrayList<>();
        for (Line line : lines) {
            items.add(new String[] {line.name, line.color, line.dashed ? "dash" : "line"});
        }
        for (Bars bar : bars) {
            items.add(new String[] {bar.name, bar.color, "box"});
        }
        List<String> markerNames = new ArrayList<>();
        for (Marker marker : markers) {
            if (!markerNames.contains(marker.name)) {
                markerNames.add(marker.name);
                items.add(new String[] {marker.name, marker.color, marker.dotted ? "dot" : "dash"});
            }
        }
        for (String[] item : items) {
            double width = 32 + item[0].length() * 6.6;
            if (x > LEFT && x + width > WIDTH - RIGHT) {
                row++;
                x = LEFT;
            }
            double y = 34 + row * LEGEND_ROW;
            if (item[2].equals("box")) {
                svg.append(String.format(Locale.ROOT, "<rect x=\"%.0f\" y=\"%.0f\" width=\"14\" height=\"9\" fill=\"%s\"/>%n",
                        x, y - 8, item[1]));
            } else {
                svg.append(String.format(Locale.ROOT, "<line x1=\"%.0f\" y1=\"%.0f\" x2=\"%.0f\" y2=\"%.0f\" stroke=\"%s\" "
                        + "stroke-width=\"2.5\"%s/>%n", x, y - 4, x + 16, y - 4, item[1],
                        item[2].equals("dash") ? " stroke-dasharray=\"4 3\"" : item[2].equals("dot")
                                ? " stroke-dasharray=\"1.5 2.5\"" : ""));
            }
            svg.append(String.format(Locale.ROOT, "<text x=\"%.0f\" y=\"%.0f\">%s</text>%n", x + 20, y, escape(item[0])));
            x += width;
        }
        return row + 1;
    }

    private double[] yRange() {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (Line line : lines) {
            for (double v : line.y) {
                if (Double.isFinite(v) && (!logY || v > 0)) {
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                }
            }
        }
        for (Bars bar : bars) {
            for (double v : bar.y) {
                if (Double.isFinite(v) && (!logY || v > 0)) {
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                }
            }
        }
        if (min > max) {
            return new double[] {Double.NaN, Double.NaN};
        }
        if (logY) {
            min = Math.pow(10, Math.floor(Math.log10(min)));
            max = Math.pow(10, Math.ceil(Math.log10(max * 1.0001)));
            if (max <= min) {
                max = min * 10;
            }
        } else {
            min = 0;
            max = max <= 0 ? 1 : niceCeiling(max * 1.08);
        }
        if (!Double.isNaN(yMinFixed)) {
            min = yMinFixed;
        }
        if (!Double.isNaN(yMaxFixed)) {
            max = Math.max(yMaxFixed, max);
        }
        return new double[] {min, max};
    }

    private void yAxis(StringBuilder svg, double yMin, double yMax, double plotW, double plotH) {
        List<Double> ticks = new ArrayList<>();
        if (logY) {
            for (double t = Math.pow(10, Math.ceil(Math.log10(yMin) - 1e-9)); t <= yMax * 1.0001; t *= 10) {
                ticks.add(t);
            }
        } else {
            double step = niceStep((yMax - yMin) / 5);
            for (double t = Math.ceil(yMin / step) * step; t <= yMax + step * 1e-6; t += step) {
                ticks.add(t);
            }
        }
        for (double t : ticks) {
            double y = yPix(t, yMin, yMax, plotH);
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%.0f\" y2=\"%.1f\" stroke=\"#e4e4e4\"/>%n",
                    LEFT, y, LEFT + plotW, y));
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\" fill=\"#444\">%s</text>%n",
                    LEFT - 6, y + 4, escape(yFormat.apply(t))));
        }
    }

    private void xAxis(StringBuilder svg, double plotW, double plotH, int height) {
        double step = niceTimeStep(xMax / 10);
        for (double t = 0; t <= xMax + 1e-6; t += step) {
            double x = xPix(t, plotW);
            svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.0f\" x2=\"%.1f\" y2=\"%.0f\" stroke=\"#888\"/>%n",
                    x, top + plotH, x, top + plotH + 4));
            svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.0f\" text-anchor=\"middle\" fill=\"#444\">%s</text>%n",
                    x, top + plotH + 17, ProgressLine.clock(t)));
        }
        svg.append(String.format(Locale.ROOT, "<text x=\"%.0f\" y=\"%d\" text-anchor=\"end\" fill=\"#666\" "
                + "font-size=\"11\">time since start (m:ss)</text>%n", LEFT + plotW, height - 3));
    }

    private double xPix(double seconds, double plotW) {
        return LEFT + seconds / xMax * plotW;
    }

    private double yPix(double v, double yMin, double yMax, double plotH) {
        double share = logY ? (Math.log10(v) - Math.log10(yMin)) / (Math.log10(yMax) - Math.log10(yMin))
                : (v - yMin) / (yMax - yMin);
        return top + plotH - share * plotH;
    }

    static double niceStep(double raw) {
        double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
        double r = raw / magnitude;
        double nice = r <= 1 ? 1 : r <= 2 ? 2 : r <= 2.5 ? 2.5 : r <= 5 ? 5 : 10;
        return nice * magnitude;
    }

    static double niceCeiling(double v) {
        double step = niceStep(v / 5);
        return Math.ceil(v / step) * step;
    }

    private static double niceTimeStep(double raw) {
        double[] steps = {1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600};
        for (double s : steps) {
            if (s >= raw) {
                return s;
            }
        }
        return 7200;
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
