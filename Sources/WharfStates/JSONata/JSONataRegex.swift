import Foundation

/// A JSONata regular expression literal (`/pattern/flags`), compiled once per evaluation.
final class JSONataRegex {
    let regex: NSRegularExpression

    init(pattern: String, flags: String) throws(JSONataError) {
        var options: NSRegularExpression.Options = []
        if flags.contains("i") { options.insert(.caseInsensitive) }
        if flags.contains("m") { options.insert(.anchorsMatchLines) }
        do {
            regex = try NSRegularExpression(pattern: pattern, options: options)
        } catch {
            throw JSONataError("invalid regular expression /\(pattern)/: \(error.localizedDescription)")
        }
    }

    private func matches(_ s: String, limit: Int = Int.max) -> [NSTextCheckingResult] {
        let all = regex.matches(in: s, range: NSRange(s.startIndex..., in: s))
        return Array(all.prefix(max(0, limit)))
    }

    func contains(_ s: String) -> Bool {
        regex.firstMatch(in: s, range: NSRange(s.startIndex..., in: s)) != nil
    }

    func split(_ s: String) -> [String] {
        var parts: [String] = []
        var start = s.startIndex
        for m in matches(s) {
            guard let r = Range(m.range, in: s), !r.isEmpty else { continue }
            parts.append(String(s[start..<r.lowerBound]))
            start = r.upperBound
        }
        parts.append(String(s[start...]))
        return parts
    }

    /// Replaces matches; `$0` is the match and `$1`... the groups in the replacement text.
    func replace(_ s: String, with template: String, limit: Int) -> String {
        var out = ""
        var start = s.startIndex
        for m in matches(s, limit: limit) {
            guard let r = Range(m.range, in: s) else { continue }
            out += s[start..<r.lowerBound]
            out += regex.replacementString(for: m, in: s, offset: 0, template: template)
            start = r.upperBound
        }
        out += s[start...]
        return out
    }

    /// `$match` results: `{"match", "index", "groups"}` per match (index in UTF-16 units, as in JavaScript).
    func match(_ s: String, limit: Int) -> [JSONValue] {
        matches(s, limit: limit).compactMap { m in
            guard let r = Range(m.range, in: s) else { return nil }
            var groups: [JSONValue] = []
            if m.numberOfRanges > 1 {
                for g in 1..<m.numberOfRanges {
                    if let gr = Range(m.range(at: g), in: s) { groups.append(.string(String(s[gr]))) } else { groups.append(.string("")) }
                }
            }
            return ["match": .string(String(s[r])), "index": .int(m.range.location), "groups": .array(groups)]
        }
    }
}
