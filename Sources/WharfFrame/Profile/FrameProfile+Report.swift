import Foundation

extension FrameProfile {
    /// A fixed-width text table, one row per column.
    public func table() -> String {
        let header = ["column", "type", "count", "missing", "distinct", "mean", "std", "min", "median", "max", "top"]
            + (target == nil ? [] : ["corr"])
        var rows = [header]
        for c in columns {
            var r = [c.name, c.type.rawValue, String(c.count), "\(c.missing) (\(Self.percent(c.missingShare)))", String(c.distinct),
                     Self.number(c.mean), Self.number(c.std), Self.clip(c.min ?? ""), Self.number(c.median), Self.clip(c.max ?? ""),
                     Self.clip(c.top.first.map { "\($0.value) (\($0.count))" } ?? "")]
            if target != nil { r.append(c.name == target ? "target" : Self.number(c.targetCorrelation)) }
            rows.append(r)
        }
        var widths = [Int](repeating: 0, count: header.count)
        for r in rows { for (j, s) in r.enumerated() { widths[j] = Swift.max(widths[j], s.count) } }
        var out = "\(self.rows) rows x \(columns.count) columns\n"
        for (k, r) in rows.enumerated() {
            out += r.enumerated().map { j, s in s + String(repeating: " ", count: widths[j] - s.count) }.joined(separator: "  ") + "\n"
            if k == 0 { out += widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ") + "\n" }
        }
        return out
    }

    static func clip(_ s: String, _ n: Int = 24) -> String { s.count > n ? String(s.prefix(n - 1)) + "…" : s }
    static func percent(_ v: Double) -> String { String(format: "%.1f%%", v * 100) }
    static func number(_ v: Double?) -> String {
        guard let v else { return "" }
        if v == v.rounded(), abs(v) < 1e12 { return String(Int64(v)) }
        if abs(v) >= 1e9 || abs(v) < 1e-3 { return String(format: "%.3e", v) }
        return abs(v) >= 100 ? String(format: "%.2f", v) : String(format: "%.4g", v)
    }

    /// A self-contained HTML page (no scripts, no external files) with a section per column and an SVG histogram
    /// (or a bar chart of the top values for categories).
    public func html(title: String) -> String {
        var body = ""
        for c in columns {
            body += "<section><h2>\(Self.escape(c.name)) <small>\(c.type.rawValue)</small></h2><div class=row><table>"
            let stats: [(String, String)] = [
                ("count", String(c.count)), ("missing", "\(c.missing) (\(Self.percent(c.missingShare)))"), ("distinct", String(c.distinct)),
                ("mean", Self.number(c.mean)), ("std", Self.number(c.std)), ("min", c.min ?? ""), ("25%", Self.number(c.q25)),
                ("median", Self.number(c.median)), ("75%", Self.number(c.q75)), ("max", c.max ?? ""),
            ] + (c.targetCorrelation.map { [("correlation with \(target ?? "target")", Self.number($0))] } ?? [])
            for (k, v) in stats where !v.isEmpty { body += "<tr><th>\(Self.escape(k))</th><td>\(Self.escape(v))</td></tr>" }
            body += "</table>"
            if let h = c.histogram {
                body += Self.histogramSVG(h)
            } else if !c.top.isEmpty {
                body += Self.barsSVG(c.top)
            }
            body += "</div></section>\n"
        }
        return """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>\(Self.escape(title))</title>
        <style>
        body{font-family:system-ui,sans-serif;margin:2em;color:#222}
        section{border-top:1px solid #ddd;padding:.5em 0}
        h2{font-size:1.1em;margin:.3em 0} small{color:#777;font-weight:normal}
        .row{display:flex;gap:2em;align-items:flex-start;flex-wrap:wrap}
        table{border-collapse:collapse;font-size:.9em} th{text-align:left;padding:2px 12px 2px 0;color:#555;font-weight:normal}
        td{text-align:right;font-variant-numeric:tabular-nums}
        svg text{font-size:10px;fill:#444}
        </style></head><body>
        <h1>\(Self.escape(title))</h1>
        <p>\(rows) rows, \(columns.count) columns\(target.map { ", target <b>\(Self.escape($0))</b>" } ?? "")</p>
        \(body)</body></html>
        """
    }

    static func histogramSVG(_ h: Histogram) -> String {
        let w = 320.0, ht = 120.0
        let peak = Double(h.counts.max() ?? 1)
        let bw = w / Double(h.counts.count)
        var bars = ""
        for (i, n) in h.counts.enumerated() {
            let bh = peak > 0 ? Double(n) / peak * ht : 0
            let lo = h.edges[i], hi = h.edges[i + 1]
            bars += String(format: "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#4a7bd0\"><title>%@ to %@: %d</title></rect>",
                           Double(i) * bw + 0.5, ht - bh, Swift.max(bw - 1, 0.5), bh, number(lo), number(hi), n)
        }
        let first = number(h.edges.first), last = number(h.edges.last)
        return "<svg width=\"\(Int(w))\" height=\"\(Int(ht + 14))\" viewBox=\"0 0 \(Int(w)) \(Int(ht + 14))\" role=\"img\">\(bars)"
            + "<text x=\"0\" y=\"\(Int(ht + 12))\">\(escape(first))</text><text x=\"\(Int(w))\" y=\"\(Int(ht + 12))\" text-anchor=\"end\">\(escape(last))</text></svg>"
    }

    static func barsSVG(_ top: [ValueCount]) -> String {
        let w = 320.0, rowH = 16.0
        let peak = Double(top.map(\.count).max() ?? 1)
        var out = "<svg width=\"\(Int(w))\" height=\"\(Int(rowH * Double(top.count)))\" role=\"img\">"
        for (i, t) in top.enumerated() {
            let y = Double(i) * rowH
            let bw = Double(t.count) / peak * (w - 130)
            out += String(format: "<text x=\"0\" y=\"%.0f\">%@</text><rect x=\"100\" y=\"%.0f\" width=\"%.1f\" height=\"%.0f\" fill=\"#4a7bd0\"/><text x=\"%.1f\" y=\"%.0f\">%d</text>",
                          y + 11, escape(clip(t.value, 16)), y + 2, bw, rowH - 4, 104 + bw, y + 11, t.count)
        }
        return out + "</svg>"
    }

    static func escape(_ s: String) -> String {
        var out = ""
        for ch in s {
            switch ch {
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "&": out += "&amp;"
            case "\"": out += "&quot;"
            default: out.append(ch)
            }
        }
        return out
    }
}
