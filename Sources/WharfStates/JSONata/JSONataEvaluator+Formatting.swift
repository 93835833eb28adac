import Foundation

/// `$formatNumber`, `$formatInteger` and `$parseInteger` for decimal pictures (and Roman numerals).
enum JSONataFormatting {
    /// Formats with an XPath-style decimal picture such as `#,##0.00`, `0.0%`, `$#,##0` or `000`.
    static func formatNumber(_ value: Double, picture: String) throws(JSONataError) -> String {
        let chars = Array(picture)
        let active = Set<Character>("0123456789#.,%‰")
        guard let first = chars.firstIndex(where: { active.contains($0) && $0 != "%" && $0 != "‰" }) else {
            throw JSONataError("$formatNumber(): the picture '\(picture)' has no digits")
        }
        var last = first
        for i in first..<chars.count where active.contains(chars[i]) { last = i }
        let prefix = String(chars[..<first])
        var body = String(chars[first...last])
        var suffix = String(chars[(last + 1)...])
        var scaled = value
        if body.hasSuffix("%") {
            body.removeLast()
            suffix = "%" + suffix
            scaled *= 100
        } else if body.hasSuffix("‰") {
            body.removeLast()
            suffix = "‰" + suffix
            scaled *= 1000
        }
        let parts = body.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2 else { throw JSONataError("$formatNumber(): the picture '\(picture)' has more than one decimal separator") }
        let integerPicture = String(parts[0])
        let fractionPicture = parts.count == 2 ? String(parts[1]) : ""
        let minInteger = integerPicture.filter { $0.isNumber }.count
        let minFraction = fractionPicture.filter { $0.isNumber }.count
        let maxFraction = fractionPicture.filter { $0.isNumber || $0 == "#" }.count
        var grouping = 0
        if let comma = integerPicture.lastIndex(of: ",") {
            grouping = integerPicture[integerPicture.index(after: comma)...].count
        }
        let magnitude = abs(scaled)
        let factor = pow(10.0, Double(maxFraction))
        let rounded = (magnitude * factor).rounded(.toNearestOrEven) / factor
        var text = String(format: "%.\(maxFraction)f", rounded)
        var integerDigits = String(text.prefix { $0 != "." })
        var fractionDigits = text.contains(".") ? String(text.split(separator: ".")[1]) : ""
        while fractionDigits.count > minFraction, fractionDigits.hasSuffix("0") { fractionDigits.removeLast() }
        if integerDigits == "0", minInteger == 0, !fractionDigits.isEmpty { integerDigits = "" }
        while integerDigits.count < minInteger { integerDigits = "0" + integerDigits }
        if grouping > 0, integerDigits.count > grouping {
            var grouped = ""
            for (i, c) in integerDigits.reversed().enumerated() {
                if i > 0, i % grouping == 0 { grouped.append(",") }
                grouped.append(c)
            }
            integerDigits = String(grouped.reversed())
        }
        text = integerDigits + (fractionDigits.isEmpty ? "" : "." + fractionDigits)
        return (scaled < 0 && rounded != 0 ? "-" : "") + prefix + text + suffix
    }

    static let romanNumerals: [(Int, String)] = [
        (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
        (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
    ]

    /// Formats an integer with a decimal picture (`0`, `000`, `#,##0`) or Roman numerals (`I`, `i`).
    static func formatInteger(_ value: Int, picture: String) throws(JSONataError) -> String {
        if picture == "I" || picture == "i" {
            guard value > 0, value < 4000 else { throw JSONataError("$formatInteger(): Roman numerals need a value from 1 to 3999") }
            var n = value
            var out = ""
            for (v, s) in romanNumerals {
                while n >= v {
                    out += s
                    n -= v
                }
            }
            return picture == "i" ? out.lowercased() : out
        }
        guard !picture.isEmpty, picture.allSatisfy({ $0 == "0" || $0 == "#" || $0 == "," || $0.isNumber }) else {
            throw JSONataError("$formatInteger(): the picture '\(picture)' is not supported (decimal digits, '#', ',' or Roman numerals)")
        }
        return try formatNumber(Double(value), picture: picture)
    }

    /// Parses text written with a decimal picture (grouping commas allowed) or Roman numerals.
    static func parseInteger(_ text: String, picture: String) throws(JSONataError) -> Int {
        if picture == "I" || picture == "i" {
            var total = 0
            var rest = Substring(text.uppercased())
            for (v, s) in romanNumerals {
                while rest.hasPrefix(s) {
                    total += v
                    rest = rest.dropFirst(s.count)
                }
            }
            guard rest.isEmpty, total > 0 else { throw JSONataError("$parseInteger(): '\(text)' is not a Roman numeral") }
            return total
        }
        let digits = text.replacingOccurrences(of: ",", with: "")
        guard let v = Int(digits) else { throw JSONataError("$parseInteger(): '\(text)' does not match the picture '\(picture)'") }
        return v
    }
}
