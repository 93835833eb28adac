/// Byte-level parsers for CSV fields: no allocation, exact for the common short decimals.
@usableFromInline enum NumberParsing {
    @usableFromInline static let powersOf10: [Double] = (0...22).map { e in
        var v = 1.0
        for _ in 0..<e { v *= 10 }
        return v
    }

    @inlinable static func int64(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int64? {
        guard n > 0 else { return nil }
        var i = 0
        var negative = false
        if p[0] == 45 || p[0] == 43 { negative = p[0] == 45; i = 1; guard n > 1 else { return nil } }
        if n - i <= 18 {
            var v: Int64 = 0
            while i < n {
                let d = Int64(p[i]) &- 48
                guard d >= 0 && d <= 9 else { return nil }
                v = v &* 10 &+ d
                i += 1
            }
            return negative ? -v : v
        }
        var v: Int64 = 0
        while i < n {
            let d = Int64(p[i]) &- 48
            guard d >= 0 && d <= 9 else { return nil }
            let (m, o1) = v.multipliedReportingOverflow(by: 10)
            let (s, o2) = negative ? m.subtractingReportingOverflow(d) : m.addingReportingOverflow(d)
            if o1 || o2 { return nil }
            v = s
            i += 1
        }
        return v
    }

    /// Decimal or scientific notation, also `inf`/`nan` spellings; nil for anything else.
    @inlinable static func double(_ p: UnsafePointer<UInt8>, _ n: Int) -> Double? {
        guard n > 0 else { return nil }
        var i = 0
        var negative = false
        if p[0] == 45 || p[0] == 43 { negative = p[0] == 45; i = 1 }
        var mantissa: UInt64 = 0
        var digits = 0
        var exp10 = 0
        var sawDigit = false
        while i < n, p[i] &- 48 < 10 {
            sawDigit = true
            if digits < 19 { mantissa = mantissa &* 10 &+ UInt64(p[i] &- 48); if mantissa != 0 { digits += 1 } } else { exp10 += 1 }
            i += 1
        }
        if i < n, p[i] == 46 {
            i += 1
            while i < n, p[i] &- 48 < 10 {
                sawDigit = true
                if digits < 19 { mantissa = mantissa &* 10 &+ UInt64(p[i] &- 48); if mantissa != 0 { digits += 1 }; exp10 -= 1 }
                i += 1
            }
        }
        guard sawDigit else { return slow(p, n) }
        if i < n, p[i] == 101 || p[i] == 69 {
            i += 1
            var eneg = false
            if i < n, p[i] == 45 || p[i] == 43 { eneg = p[i] == 45; i += 1 }
            var e = 0
            var sawE = false
            while i < n, p[i] &- 48 < 10 { e = min(e * 10 + Int(p[i] &- 48), 100_000); sawE = true; i += 1 }
            guard sawE else { return nil }
            exp10 += eneg ? -e : e
        }
        guard i == n else { return nil }
        if mantissa <= (1 << 53) && exp10 >= -22 && exp10 <= 22 && digits <= 19 {
            var v = Double(mantissa)
            v = exp10 < 0 ? v / powersOf10[-exp10] : v * powersOf10[exp10]
            return negative ? -v : v
        }
        return slow(p, n)
    }

    @usableFromInline static func slow(_ p: UnsafePointer<UInt8>, _ n: Int) -> Double? {
        let s = String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self)
        switch s.lowercased() {
        case "inf", "+inf", "infinity", "+infinity": return .infinity
        case "-inf", "-infinity": return -.infinity
        default: break
        }
        guard let first = s.utf8.first, first == 45 || first == 43 || first == 46 || (first >= 48 && first <= 57) else { return nil }
        return Double(s)
    }

    /// true/True/TRUE and false/False/FALSE, the spellings pandas reads as booleans.
    @inlinable static func bool(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool? {
        if n == 4, isCaseOf(p, n, "true") { return true }
        if n == 5, isCaseOf(p, n, "false") { return false }
        return nil
    }

    @inlinable static func isCaseOf(_ p: UnsafePointer<UInt8>, _ n: Int, _ lower: StaticString) -> Bool {
        let l = lower.utf8Start
        var allLower = true, allUpper = true, capitalised = true
        for i in 0..<n {
            let c = p[i]
            if c != l[i] { allLower = false }
            if c != l[i] - 32 { allUpper = false }
            if c != (i == 0 ? l[i] - 32 : l[i]) { capitalised = false }
        }
        return allLower || allUpper || capitalised
    }
}
