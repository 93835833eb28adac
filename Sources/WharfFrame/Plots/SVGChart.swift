import Foundation

/// Self-contained SVG charts (line charts and horizontal bars) readable in any browser, no other tool needed: the one
/// chart module of Wharf's libraries and tools (WharfLearn's evaluation plots draw with it).
public enum SVGChart {
    /// One line of a line chart.
    public struct Series: Sendable {
        public var name: String
        public var points: [(x: Double, y: Double)]
        public init(name: String, points: [(x: Double, y: Double)]) { self.name = name; self.points = points }
    }

    static let palette = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"]

    /// Line chart with axes, ticks, labels and a legend; `diagonal` draws the chance line of a ROC plot.
    public static func lines(title: String, xLabel: String, yLabel: String, series: [Series],
                             xRange: ClosedRange<Double>? = nil, yRange: ClosedRange<Double>? = nil, diagonal: Bool = false) -> String {
        let width = 640.0, height = 480.0, left = 70.0, right = 20.0, top = 40.0, bottom = 60.0
        let allX = series.flatMap { $0.points.map(\.x) }.filter(\.isFinite)
        let allY = series.flatMap { $0.points.map(\.y) }.filter(\.isFinite)
        var xr = xRange ?? ((allX.min() ?? 0)...(allX.max() ?? 1))
        var yr = yRange ?? ((allY.min() ?? 0)...(allY.max() ?? 1))
        if xr.lowerBound == xr.upperBound { xr = (xr.lowerBound - 1)...(xr.upperBound + 1) }
        if yr.lowerBound == yr.upperBound { yr = (yr.lowerBound - 1)...(yr.upperBound + 1) }
        let plotW = width - left - right, plotH = height - top - bottom
        func px(_ x: Double) -> Double { left + (x - xr.lowerBound) / (xr.upperBound - xr.lowerBound) * plotW }
        func py(_ y: Double) -> Double { top + plotH - (y - yr.lowerBound) / (yr.upperBound - yr.lowerBound) * plotH }
        var svg = header(width: width, height: height, title: title)
        svg += axes(left: left, top: top, plotW: plotW, plotH: plotH, xLabel: xLabel, yLabel: yLabel, width: width, height: height)
        for i in 0...5 {
            let fx = xr.lowerBound + Double(i) / 5 * (xr.upperBound - xr.lowerBound)
            let fy = yr.lowerBound + Double(i) / 5 * (yr.upperBound - yr.lowerBound)
            svg += "<line x1=\"\(fmt(px(fx)))\" y1=\"\(fmt(top + plotH))\" x2=\"\(fmt(px(fx)))\" y2=\"\(fmt(top + plotH + 5))\" stroke=\"#333\"/>\n"
            svg += "<text x=\"\(fmt(px(fx)))\" y=\"\(fmt(top + plotH + 20))\" text-anchor=\"middle\" font-size=\"12\">\(tick(fx))</text>\n"
            svg += "<line x1=\"\(fmt(left - 5))\" y1=\"\(fmt(py(fy)))\" x2=\"\(fmt(left + plotW))\" y2=\"\(fmt(py(fy)))\" stroke=\"#ddd\"/>\n"
            svg += "<text x=\"\(fmt(left - 8))\" y=\"\(fmt(py(fy) + 4))\" text-anchor=\"end\" font-size=\"12\">\(tick(fy))</text>\n"
        }
        if diagonal {
            svg += "<line x1=\"\(fmt(px(0)))\" y1=\"\(fmt(py(0)))\" x2=\"\(fmt(px(1)))\" y2=\"\(fmt(py(1)))\" stroke=\"#999\" stroke-dasharray=\"5,5\"/>\n"
        }
        for (i, s) in series.enumerated() {
            let color = palette[i % palette.count]
            let points = thin(s.points.filter { $0.x.isFinite && $0.y.isFinite }, limit: 2000)
                .map { "\(fmt(px($0.x))),\(fmt(py($0.y)))" }.joined(separator: " ")
            svg += "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\" points=\"\(points)\"/>\n"
            let ly = top + 20 + Double(i) * 18
            svg += "<rect x=\"\(fmt(width - right - 180))\" y=\"\(fmt(ly - 10))\" width=\"12\" height=\"12\" fill=\"\(color)\"/>\n"
            svg += "<text x=\"\(fmt(width - right - 162))\" y=\"\(fmt(ly))\" font-size=\"12\">\(escape(s.name))</text>\n"
        }
        return svg + "</svg>\n"
    }

    /// Horizontal bar chart, largest value first (feature importance).
    public static func bars(title: String, valueLabel: String, items: [(label: String, value: Double)], limit: Int = 25) -> String {
        let shown = Array(items.prefix(limit))
        let rowHeight = 22.0, left = 220.0, right = 60.0, top = 40.0, bottom = 50.0, width = 720.0
        let height = top + bottom + rowHeight * Double(max(shown.count, 1))
        let maxValue = max(shown.map(\.value).max() ?? 1, 1e-300)
        let plotW = width - left - right
        var svg = header(width: width, height: height, title: title)
        for (i, item) in shown.enumerated() {
            let y = top + Double(i) * rowHeight
            let w = max(0, item.value / maxValue * plotW)
            svg += "<text x=\"\(fmt(left - 8))\" y=\"\(fmt(y + 15))\" text-anchor=\"end\" font-size=\"12\">\(escape(item.label))</text>\n"
            svg += "<rect x=\"\(fmt(left))\" y=\"\(fmt(y + 3))\" width=\"\(fmt(w))\" height=\"\(fmt(rowHeight - 6))\" fill=\"#1f77b4\"/>\n"
            svg += "<text x=\"\(fmt(left + w + 4))\" y=\"\(fmt(y + 15))\" font-size=\"11\">\(tick(item.value))</text>\n"
        }
        svg += "<text x=\"\(fmt(left + plotW / 2))\" y=\"\(fmt(height - 15))\" text-anchor=\"middle\" font-size=\"13\">\(escape(valueLabel))</text>\n"
        return svg + "</svg>\n"
    }

    private static func header(width: Double, height: Double, title: String) -> String {
        """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(fmt(width))" height="\(fmt(height))" viewBox="0 0 \(fmt(width)) \(fmt(height))" font-family="sans-serif">
        <rect width="100%" height="100%" fill="white"/>
        <text x="\(fmt(width / 2))" y="24" text-anchor="middle" font-size="16" font-weight="bold">\(escape(title))</text>\n
        """
    }

    private static func axes(left: Double, top: Double, plotW: Double, plotH: Double, xLabel: String, yLabel: String,
                             width: Double, height: Double) -> String {
        """
        <rect x="\(fmt(left))" y="\(fmt(top))" width="\(fmt(plotW))" height="\(fmt(plotH))" fill="none" stroke="#333"/>
        <text x="\(fmt(left + plotW / 2))" y="\(fmt(height - 15))" text-anchor="middle" font-size="13">\(escape(xLabel))</text>
        <text x="18" y="\(fmt(top + plotH / 2))" text-anchor="middle" font-size="13" transform="rotate(-90 18 \(fmt(top + plotH / 2)))">\(escape(yLabel))</text>\n
        """
    }

    /// Keeps at most `limit` points (evenly spaced, ends kept) so large curves stay small files.
    static func thin(_ points: [(x: Double, y: Double)], limit: Int) -> [(x: Double, y: Double)] {
        guard points.count > limit else { return points }
        return (0..<limit).map { points[$0 * (points.count - 1) / (limit - 1)] }
    }

    static func fmt(_ v: Double) -> String { String(format: "%.1f", v) }

    static func tick(_ v: Double) -> String {
        if v == 0 { return "0" }
        if abs(v) >= 1000 || abs(v) < 0.01 { return String(format: "%.2g", v) }
        return String(format: "%.2f", v)
    }

    /// Text made safe inside SVG (XML) text and attribute values.
    public static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
            .replacingOccurrences(of: "\"", with: "&quot;")
    }
}
