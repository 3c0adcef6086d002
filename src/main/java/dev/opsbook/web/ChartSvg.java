package dev.opsbook.web;

import dev.opsbook.engine.RunStatus;
import dev.opsbook.stats.Stats;
import java.util.List;

/**
 * Runs per day drawn as SVG on the server: a bar a day, stacked by status (succeeded at the bottom), coloured by the
 * stylesheet ({@code .bar-succeeded}...), with the highest count and the first, middle and last day as labels. Scales to
 * the page's width, so 30 days fit a phone. As {@link GraphSvg}: nothing loaded from outside, no script.
 */
final class ChartSvg {

    static final int HEIGHT = 160;
    static final int TOP = 14;
    static final int BOTTOM = 20;
    static final int LEFT = 30;
    private static final List<RunStatus> STACK = List.of(RunStatus.SUCCEEDED, RunStatus.FAILED, RunStatus.CANCELLED, RunStatus.NEEDS_ATTENTION,
            RunStatus.WAITING, RunStatus.RUNNING);

    private ChartSvg() {
    }

    static String runsPerDay(List<Stats.Day> days) {
        int slot = days.size() > 90 ? 4 : days.size() > 40 ? 8 : 16;
        int width = LEFT + Math.max(1, days.size()) * slot + 4;
        long max = Math.max(1, days.stream().mapToLong(Stats.Day::total).max().orElse(0));
        double scale = (HEIGHT - TOP - BOTTOM) / (double) max;
        int base = HEIGHT - BOTTOM;
        StringBuilder svg = new StringBuilder();
        svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" id=\"runs-per-day\" role=\"img\" viewBox=\"0 0 ")
                .append(width).append(' ').append(HEIGHT).append("\" preserveAspectRatio=\"xMinYMin meet\">")
                .append("<title>Runs per day by status</title>");
        svg.append("<line class=\"axis\" x1=\"").append(LEFT).append("\" y1=\"").append(base).append("\" x2=\"").append(width)
                .append("\" y2=\"").append(base).append("\"/>");
        svg.append("<text class=\"tick\" x=\"").append(LEFT - 4).append("\" y=\"").append(TOP + 4).append("\" text-anchor=\"end\">")
                .append(max).append("</text>");
        svg.append("<text class=\"tick\" x=\"").append(LEFT - 4).append("\" y=\"").append(base).append("\" text-anchor=\"end\">0</text>");
        for (int i = 0; i < days.size(); i++) {
            Stats.Day day = days.get(i);
            int x = LEFT + i * slot + 1;
            double y = base;
            svg.append("<g class=\"day\" data-day=\"").append(day.day()).append("\" data-runs=\"").append(day.total()).append("\">")
                    .append("<title>").append(day.day()).append(": ").append(day.total()).append(" run").append(day.total() == 1 ? "" : "s");
            for (RunStatus status : STACK) {
                long n = day.byStatus().getOrDefault(status, 0L);
                if (n > 0) {
                    svg.append(", ").append(n).append(' ').append(status.label());
                }
            }
            svg.append("</title>");
            for (RunStatus status : STACK) {
                long n = day.byStatus().getOrDefault(status, 0L);
                if (n == 0) {
                    continue;
                }
                double h = n * scale;
                y -= h;
                svg.append(String.format(java.util.Locale.ROOT, "<rect class=\"bar-%s\" x=\"%d\" y=\"%.1f\" width=\"%d\" height=\"%.1f\"/>",
                        status.label(), x, y, slot - 2, h));
            }
            svg.append("</g>");
        }
        for (int i : days.isEmpty() ? new int[0] : new int[] {0, days.size() / 2, days.size() - 1}) {
            int x = LEFT + i * slot + slot / 2;
            String anchor = i == 0 ? "start" : i == days.size() - 1 ? "end" : "middle";
            svg.append("<text class=\"tick\" x=\"").append(i == 0 ? LEFT : i == days.size() - 1 ? width - 2 : x).append("\" y=\"")
                    .append(HEIGHT - 4).append("\" text-anchor=\"").append(anchor).append("\">").append(days.get(i).day().toString().substring(5))
                    .append("</text>");
        }
        return svg.append("</svg>").toString();
    }
}
