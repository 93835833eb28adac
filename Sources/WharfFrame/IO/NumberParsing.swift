/// Byte-level parsers for CSV fields: no allocation, exact for the common short decimals.
enum NumberParsing {
    /// Exact powers of ten 10^0 ... 10^22 (every one is a Double without rounding).
    @inline(__always) static func powerOf10(_ e: Int) -> Double {
        switch e {
        case 0: return 1e0
        case 1: return 1e1
        case 2: return 1e2
        case 3: return 1e3
        case 4: return 1e4
        case 5: return 1e5
        case 6: return 1e6
        case 7: return 1e7
        case 8: return 1e8
        case 9: return 1e9
        case 10: return 1e10
        case 11: return 1e11
        case 12: return 1e12
        case 13: return 1e13
        case 14: return 1e14
        case 15: return 1e15
        case 16: return 1e16
        case 17: return 1e17
        case 18: return 1e18
        case 19: return 1e19
        case 20: return 1e20
        case 21: return 1e21
        default: return 1e22
        }
    }

    @inline(__always) static func int64(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int64? {
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
    @inline(__always) static func double(_ p: UnsafePointer<UInt8>, _ n: Int) -> Double? {
        let (v, used) = scanDouble(p, n)
        if used == n, let v { return v }
        return slow(p, n)
    }

    /// Reads the longest number at the start of `p` (at most `n` bytes): its value (nil when there is no
    /// number, or it needs the slow parser) and the bytes it spans. Up to 19 significant digits with a power of
    /// ten up to 22 are exact (Clinger's fast path); callers send the rest to `slow`.
    @inline(__always) static func scanDouble(_ p: UnsafePointer<UInt8>, _ n: Int) -> (Double?, Int) {
        guard n > 0 else { return (nil, 0) }
        var i = 0
        let negative = p[0] == 45
        if negative || p[0] == 43 { i = 1 }
        var (mantissa, digits) = digitRun(p + i, n - i)
        i += digits
        var fraction = 0
        if i < n, p[i] == 46 {
            i += 1
            let (f, fd) = digitRun(p + i, n - i)
            i += fd
            fraction = fd
            digits += fd
            mantissa = mantissa &* powerOf10Int(fd) &+ f
        }
        guard digits > 0 else { return (nil, 0) }
        var exp10 = -fraction
        if i < n, p[i] == 101 || p[i] == 69 {
            i += 1
            var eneg = false
            if i < n, p[i] == 45 || p[i] == 43 { eneg = p[i] == 45; i += 1 }
            var e = 0
            let eStart = i
            while i < n, p[i] &- 48 < 10 { e = Swift.min(e &* 10 &+ Int(p[i] &- 48), 100_000); i += 1 }
            guard i > eStart else { return (nil, i) }
            exp10 += eneg ? -e : e
        }
        if digits <= 19 && mantissa <= (1 << 53) && exp10 >= -22 && exp10 <= 22 {
            var v = Double(mantissa)
            v = exp10 < 0 ? v / powerOf10(-exp10) : v * powerOf10(exp10)
            return (negative ? -v : v, i)
        }
        return (nil, i)
    }

    /// The run of decimal digits at `p` (at most `n` bytes) as a number and its length; the value is meaningful for
    /// runs of up to 19 digits. (An eight-bytes-at-once SWAR version measured slower on the benchmark file.)
    @inline(__always) static func digitRun(_ p: UnsafePointer<UInt8>, _ n: Int) -> (UInt64, Int) {
        var value: UInt64 = 0
        var count = 0
        while count < n {
            let c = p[count] &- 48
            if c >= 10 { break }
            value = value &* 10 &+ UInt64(c)
            count += 1
        }
        return (value, count)
    }

    /// 10^e for e in 0...19 (a UInt64 holds up to 10^19).
    @inline(__always) static func powerOf10Int(_ e: Int) -> UInt64 {
        switch e {
        case 0: return 1
        case 1: return 10
        case 2: return 100
        case 3: return 1000
        case 4: return 10000
        case 5: return 100_000
        case 6: return 1_000_000
        case 7: return 10_000_000
        case 8: return 100_000_000
        case 9: return 1_000_000_000
        case 10: return 10_000_000_000
        case 11: return 100_000_000_000
        case 12: return 1_000_000_000_000
        case 13: return 10_000_000_000_000
        case 14: return 100_000_000_000_000
        case 15: return 1_000_000_000_000_000
        case 16: return 10_000_000_000_000_000
        case 17: return 100_000_000_000_000_000
        case 18: return 1_000_000_000_000_000_000
        default: return 10_000_000_000_000_000_000
        }
    }

    static func slow(_ p: UnsafePointer<UInt8>, _ n: Int) -> Double? {
        let s = String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self)
        switch s.lowercased() {
        case "inf", "+inf", "infinity", "+infinity": return .infinity
        case "-inf", "-infinity": return -.infinity
        default: break
        }
        guard let first = s.utf8.first, first == 45 || first == 43 || first == 46 || (first >= 48 && first <= 57) else { return nil }
        // Decimal only: the standard library would also read hexadecimal floats such as 0x10.
        if s.utf8.contains(where: { $0 == 120 || $0 == 88 || $0 == 112 || $0 == 80 }) { return nil }
        return Double(s)
    }

    /// true/True/TRUE and false/False/FALSE, the spellings pandas reads as booleans.
    @inline(__always) static func bool(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool? {
        if n == 4, isCaseOf(p, n, "true") { return true }
        if n == 5, isCaseOf(p, n, "false") { return false }
        return nil
    }

    static func isCaseOf(_ p: UnsafePointer<UInt8>, _ n: Int, _ lower: StaticString) -> Bool {
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
