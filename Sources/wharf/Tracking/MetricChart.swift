import Foundation
import WharfPlatform

/// Draws a metric's history: a one-line text chart for the terminal and an SVG line chart for files.
enum MetricChart {
    static let blocks: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

    /// Averages the finite values into at most `width` buckets, in step order.
    static func resample(_ values: [Double], width: Int) -> [Double] {
        let finite = values.filter(\.isFinite)
        guard finite.count > width, width > 0 else { return finite }
        return (0..<width).map { bucket in
            let start = bucket * finite.count / width
            let end = max(start + 1, (bucket + 1) * finite.count / width)
            return finite[start..<end].reduce(0, +) / Double(end - start)
        }
    }

    /// A sparkline such as `▁▂▄▆█`; a constant series draws at mid height.
    static func sparkline(_ values: [Double], width: Int = 60) -> String {
        let points = resample(values, width: width)
        guard let low = points.min(), let high = points.max() else { return "" }
        let span = high - low
        return String(points.map { value in
            span == 0 ? blocks[3] : blocks[min(blocks.count - 1, Int((value - low) / span * Double(blocks.count - 1) + 0.5))]
        })
    }

    /// An SVG line chart of value against step, with the axes labelled by their ranges.
    static func svg(_ history: [Metric], title: String, width: Double = 640, height: Double = 360) -> String {
        let points = history.filter { $0.value.isFinite }.sorted { ($0.step, $0.timestamp) < ($1.step, $1.timestamp) }
        let margin = (left: 70.0, right: 20.0, top: 40.0, bottom: 50.0)
        let plotWidth = width - margin.left - margin.right
        let plotHeight = height - margin.top - margin.bottom
        let steps = points.map { Double($0.step) }
        let values = points.map(\.value)
        let xLow = steps.min() ?? 0, xHigh = steps.max() ?? 1
        var yLow = values.min() ?? 0, yHigh = values.max() ?? 1
        if yLow == yHigh { yLow -= 0.5; yHigh += 0.5 }
        let xSpan = xHigh == xLow ? 1 : xHigh - xLow
        func x(_ step: Double) -> Double { margin.left + (xHigh == xLow ? plotWidth / 2 : (step - xLow) / xSpan * plotWidth) }
        func y(_ value: Double) -> Double { margin.top + (1 - (value - yLow) / (yHigh - yLow)) * plotHeight }
        func format(_ v: Double) -> String { String(format: "%.4g", v) }
        let polyline = points.map { "\(format(x(Double($0.step)))),\(format(y($0.value)))" }.joined(separator: " ")
        var svg = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" viewBox="0 0 \(Int(width)) \(Int(height))" font-family="sans-serif" font-size="12">
            <rect width="100%" height="100%" fill="white"/>
            <text x="\(format(width / 2))" y="22" text-anchor="middle" font-size="15">\(escape(title))</text>
            <line x1="\(margin.left)" y1="\(margin.top + plotHeight)" x2="\(margin.left + plotWidth)" y2="\(margin.top + plotHeight)" stroke="black"/>
            <line x1="\(margin.left)" y1="\(margin.top)" x2="\(margin.left)" y2="\(margin.top + plotHeight)" stroke="black"/>
            <text x="\(margin.left)" y="\(format(height - 28))" text-anchor="middle">\(format(xLow))</text>
            <text x="\(margin.left + plotWidth)" y="\(format(height - 28))" text-anchor="middle">\(format(xHigh))</text>
            <text x="\(format(margin.left + plotWidth / 2))" y="\(format(height - 10))" text-anchor="middle">step</text>
            <text x="\(margin.left - 6)" y="\(format(margin.top + plotHeight))" text-anchor="end">\(format(yLow))</text>
            <text x="\(margin.left - 6)" y="\(format(margin.top + 4))" text-anchor="end">\(format(yHigh))</text>

            """
        if points.count > 1 {
            svg += "<polyline fill=\"none\" stroke=\"#1f77b4\" stroke-width=\"2\" points=\"\(polyline)\"/>\n"
        }
        for point in points.count <= 200 ? points : [] {
            svg += "<circle cx=\"\(format(x(Double(point.step))))\" cy=\"\(format(y(point.value)))\" r=\"2.5\" fill=\"#1f77b4\"/>\n"
        }
        svg += "</svg>\n"
        return svg
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
            .replacingOccurrences(of: "\"", with: "&quot;")
    }
}
