package dev.ebpf4j.site;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Benchmark result files to SVG bar charts and tables. Every {@code *.csv} in the results directory has one of two
 * formats, chosen by its header line; {@code #} starts a comment line.
 * <ul>
 *   <li>{@code benchmark,variant,metric,value,unit}: one chart per (benchmark, metric), a bar per variant;</li>
 *   <li>{@code kind,name,value,unit} (what {@code benchmarks/run-maps-bench.sh} writes; the unit may contain commas):
 *       the benchmark is the file name, one chart per (kind, first word of the unit), a bar per name.</li>
 * </ul>
 */
final class BenchmarkPlots {
    static final String HEADER = "benchmark,variant,metric,value,unit";
    static final String KIND_HEADER = "kind,name,value,unit";

    record Row(String chart, String variant, double value, String unit, String source) {}

    private final List<Row> rows = new ArrayList<>();
    private final boolean testData;

    BenchmarkPlots(Path resultsDirectory, boolean testData) {
        this.testData = testData;
        if (resultsDirectory == null || !Files.isDirectory(resultsDirectory)) return;
        try (var files = Files.list(resultsDirectory)) {
            for (Path csv : files.filter(f -> f.toString().endsWith(".csv")).sorted().toList()) read(csv);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void read(Path csv) throws IOException {
        List<String> lines = Files.readAllLines(csv);
        String file = csv.getFileName().toString();
        String stem = file.substring(0, file.length() - ".csv".length());
        String header = null;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            String where = csv + ":" + (i + 1);
            if (line.isEmpty() || line.startsWith("#")) continue;
            if (header == null) {
                if (!line.equals(HEADER) && !line.equals(KIND_HEADER)) {
                    throw new SiteException(where, "expected the header '" + HEADER + "' or '" + KIND_HEADER + "'");
                }
                header = line;
                continue;
            }
            boolean kinds = header.equals(KIND_HEADER);
            // In the kind format the unit is last and free text, so it keeps any commas.
            String[] f = kinds ? line.split(",", 4) : line.split(",", -1);
            int expected = kinds ? 4 : 5;
            if (f.length != expected) throw new SiteException(where, "expected " + expected + " fields, found " + f.length);
            String number = f[kinds ? 2 : 3].strip();
            double value;
            try {
                value = Double.parseDouble(number);
            } catch (NumberFormatException e) {
                throw new SiteException(where, "not a number: " + number);
            }
            if (value < 0 || !Double.isFinite(value)) throw new SiteException(where, "value must be finite and >= 0");
            if (kinds) {
                String unit = f[3].strip();
                String chart = stem + " — " + f[0].strip() + " (" + unit.split("\\s+", 2)[0] + ")";
                rows.add(new Row(chart, f[1].strip(), value, unit, file));
            } else {
                rows.add(new Row(f[0].strip() + " — " + f[2].strip(), f[1].strip(), value, f[4].strip(), file));
            }
        }
    }

    boolean isEmpty() {
        return rows.isEmpty();
    }

    /** Writes the SVGs under {@code outDirectory} and returns the HTML that shows them (relative to the page). */
    String render(Path outDirectory, String relativeDirectory) throws IOException {
        if (rows.isEmpty()) {
            return "<p class=\"empty\">No benchmark results yet. Result files go in <code>benchmarks/results/*.csv</code> "
                    + "with the header <code>" + HEADER + "</code>.</p>\n";
        }
        Files.createDirectories(outDirectory);
        Map<String, List<Row>> charts = new LinkedHashMap<>();
        for (Row r : rows) charts.computeIfAbsent(r.chart(), k -> new ArrayList<>()).add(r);
        StringBuilder html = new StringBuilder();
        if (testData) {
            html.append("<p class=\"test-data\">TEST DATA: these numbers come from site/test-data and are not measurements.</p>\n");
        }
        int n = 0;
        for (var chart : charts.entrySet()) {
            String file = String.format(Locale.ROOT, "chart-%02d.svg", ++n);
            Files.writeString(outDirectory.resolve(file), svg(chart.getKey(), chart.getValue()));
            html.append("<figure class=\"chart\"><img src=\"").append(relativeDirectory).append('/').append(file)
                    .append("\" alt=\"").append(Html.escape(chart.getKey())).append("\"><figcaption>")
                    .append(Html.escape(chart.getKey())).append(" (").append(Html.escape(chart.getValue().getFirst().source()))
                    .append(")</figcaption></figure>\n");
            html.append("<table><thead><tr><th>variant</th><th>value</th><th>unit</th></tr></thead><tbody>\n");
            for (Row r : chart.getValue()) {
                html.append("<tr><td>").append(Html.escape(r.variant())).append("</td><td>").append(format(r.value()))
                        .append("</td><td>").append(Html.escape(r.unit())).append("</td></tr>\n");
            }
            html.append("</tbody></table>\n");
        }
        return html.toString();
    }

    private String svg(String title, List<Row> bars) {
        int longest = bars.stream().mapToInt(r -> r.variant().length()).max().orElse(0);
        int labelWidth = Math.max(180, 8 * longest + 16), plotWidth = 420, barHeight = 26, gap = 10, top = 40;
        int height = top + bars.size() * (barHeight + gap) + 30;
        double max = bars.stream().mapToDouble(Row::value).max().orElse(1);
        if (max == 0) max = 1;
        StringBuilder s = new StringBuilder();
        s.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(labelWidth + plotWidth + 120)
                .append("\" height=\"").append(height).append("\" viewBox=\"0 0 ").append(labelWidth + plotWidth + 120)
                .append(' ').append(height).append("\" font-family=\"sans-serif\" font-size=\"13\">\n");
        s.append("<title>").append(Html.escape((testData ? "TEST DATA: " : "") + title)).append("</title>\n");
        s.append("<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n");
        s.append("<text x=\"10\" y=\"22\" font-size=\"15\" font-weight=\"bold\">")
                .append(Html.escape((testData ? "TEST DATA: " : "") + title)).append("</text>\n");
        int y = top;
        for (Row r : bars) {
            int w = (int) Math.max(1, Math.round(plotWidth * r.value() / max));
            s.append("<text x=\"").append(labelWidth - 8).append("\" y=\"").append(y + 18)
                    .append("\" text-anchor=\"end\">").append(Html.escape(r.variant())).append("</text>\n");
            s.append("<rect class=\"bar\" x=\"").append(labelWidth).append("\" y=\"").append(y).append("\" width=\"").append(w)
                    .append("\" height=\"").append(barHeight).append("\" fill=\"").append(testData ? "#b0b0b0" : "#2f6db5")
                    .append("\"/>\n");
            s.append("<text x=\"").append(labelWidth + w + 6).append("\" y=\"").append(y + 18).append("\">")
                    .append(format(r.value())).append(' ').append(Html.escape(r.unit().split("\\s+", 2)[0])).append("</text>\n");
            y += barHeight + gap;
        }
        s.append("<line x1=\"").append(labelWidth).append("\" y1=\"").append(top - 4).append("\" x2=\"").append(labelWidth)
                .append("\" y2=\"").append(y).append("\" stroke=\"#333\"/>\n</svg>\n");
        return s.toString();
    }

    private static String format(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.format(Locale.ROOT, "%,d", (long) v)
                : String.format(Locale.ROOT, "%,.2f", v);
    }
}
