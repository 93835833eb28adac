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

    /// The number of leading digit bytes of the eight bytes in `w` (first byte lowest), with the bytes turned into
    /// their digit values (`w ^ 0x30...`). A byte is a digit exactly when its value after the XOR is below 10; the
    /// additions cannot carry between bytes because the high bit of each byte is cleared first.
    @inline(__always) static func leadingDigits(_ w: UInt64) -> (count: Int, values: UInt64) {
        let x = w ^ 0x3030_3030_3030_3030
        let nonDigit = (((x & 0x7F7F_7F7F_7F7F_7F7F) &+ 0x7676_7676_7676_7676) | x) & 0x8080_8080_8080_8080
        return (nonDigit.trailingZeroBitCount >> 3, x)
    }

    /// The value of the first `count` (0...8) digits of `x` (digit values, first digit in the lowest byte): the digits
    /// are moved to the top so the missing ones are leading zeros, then pairs, quads and octets are combined.
    @inline(__always) static func digitsValue(_ x: UInt64, _ count: Int) -> UInt64 {
        var d = x << UInt64(8 * (8 - count))
        d = (d &* 10 &+ (d >> 8)) & 0x00FF_00FF_00FF_00FF
        d = (d &* 100 &+ (d >> 16)) & 0x0000_FFFF_0000_FFFF
        return (d &* 10000 &+ (d >> 32)) & 0xFFFF_FFFF
    }

    /// A run of up to 15 digits read eight bytes at a time; nil for 16 digits or more. Needs 16 readable bytes at `p`.
    @inline(__always) static func digitRun15(_ p: UnsafePointer<UInt8>) -> (value: UInt64, count: Int)? {
        let raw = UnsafeRawPointer(p)
        let (n, x) = leadingDigits(raw.loadUnaligned(as: UInt64.self).littleEndian)
        if n < 8 { return (digitsValue(x, n), n) }
        let (n2, x2) = leadingDigits(raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self).littleEndian)
        guard n2 < 8 else { return nil }
        return (digitsValue(x, 8) &* integerPowersOf10[n2] &+ digitsValue(x2, n2), 8 + n2)
    }

    /// 10^0 ... 10^15 as Doubles and as integers, looked up by index (a `switch` compiles to an indirect jump,
    /// mispredicted whenever the digit count changes between fields).
    static let exactPowersOf10: [Double] = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15]
    static let integerPowersOf10: [UInt64] = [1, 10, 100, 1000, 10000, 100_000, 1_000_000, 10_000_000, 100_000_000,
                                              1_000_000_000, 10_000_000_000, 100_000_000_000, 1_000_000_000_000,
                                              10_000_000_000_000, 100_000_000_000_000, 1_000_000_000_000_000]

    /// Bytes that `fastDouble` and `fastInt` may read past the start of a field.
    static let fastReadAhead = 40

    /// A plain decimal (optional `-`, digits, optional `.` and digits, at most 15 significant digits in all) without
    /// a branch per digit: the value is `mantissa / 10^fraction` with both exact Doubles, so the one rounding of the
    /// division gives the correctly rounded result. Returns the value and the bytes used, nil for anything else
    /// (exponents, `+`, longer numbers), which then take the general path. Needs `fastReadAhead` readable bytes.
    @inline(__always) static func fastDouble(_ p: UnsafePointer<UInt8>) -> (Double, Int)? {
        let negative = p[0] == 45
        var i = negative ? 1 : 0
        guard let (whole, n1) = digitRun15(p + i) else { return nil }
        i += n1
        var mantissa = whole
        var fraction = 0
        if p[i] == 46 {
            guard let (f, n2) = digitRun15(p + i + 1), n1 + n2 <= 15 else { return nil }
            mantissa = whole &* integerPowersOf10[n2] &+ f
            fraction = n2
            i += 1 + n2
        }
        guard n1 + fraction > 0 else { return nil }
        // Below 10^15, so the signed conversion (one instruction) is exact. The sign is set as a bit: `v` is not
        // negative, and a branch on the sign is mispredicted for about half the values of signed data.
        let v = Double(Int64(bitPattern: mantissa)) / exactPowersOf10[fraction]
        return (Double(bitPattern: v.bitPattern | (negative ? 1 << 63 : 0)), i)
    }

    /// An optional `-` and up to 15 digits; nil otherwise. Needs `fastReadAhead` readable bytes.
    @inline(__always) static func fastInt(_ p: UnsafePointer<UInt8>) -> (Int64, Int)? {
        let negative = p[0] == 45
        let i = negative ? 1 : 0
        guard let (v, n) = digitRun15(p + i), n > 0 else { return nil }
        return (negative ? -Int64(v) : Int64(v), i + n)
    }

    /// The common start of `fieldDouble` and `fieldInt`: the (at most eight) bytes after an optional `-` of a field of
    /// known length `count`, each minus ASCII '0', the sign (1 for `-`) and the length without it; nil when that length
    /// is not 1 to 8 (the caller then reads the field in full). Two loads, no branch on the sign.
    @inline(__always) static func shortField(_ p: UnsafePointer<UInt8>, _ count: Int) -> (x: UInt64, sign: UInt64, n: Int)? {
        let raw = UnsafeRawPointer(p)
        let lo = raw.loadUnaligned(as: UInt64.self).littleEndian
        let hi = raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self).littleEndian
        let sign: UInt64 = lo & 0xFF == 45 ? 1 : 0
        let n = count &- Int(sign)
        guard n >= 1 && n <= 8 else { return nil }
        return (fieldBytes(lo, hi, sign) ^ 0x3030_3030_3030_3030, sign, n)
    }

    /// A field of known length `count`: an optional `-`, then at most eight bytes of digits with at most one `.`
    /// among them (at least one digit). Two loads and no branch on the sign or the digit count: a branch on the sign
    /// is mispredicted for about half the values of signed data. Longer fields go through `fastDouble`; nil for
    /// anything else (the general path then reads the field). Needs `fastReadAhead` readable bytes at `p`.
    @inline(__always) static func fieldDouble(_ p: UnsafePointer<UInt8>, _ count: Int) -> Double? {
        guard let (x, sign, n) = shortField(p, count) else {
            guard let (v, used) = fastDouble(p), used == count else { return nil }
            return v
        }
        let nonDigit = nonDigits(x, n)
        let hasDot = nonDigit != 0
        let dot = nonDigit.trailingZeroBitCount &>> 3
        let digits = hasDot ? n &- 1 : n
        guard nonDigit & (nonDigit &- 1) == 0, digits > 0, !hasDot || (x &>> UInt64(dot &* 8)) & 0xFF == 0x1E else {
            return nil
        }
        // Close the gap the dot leaves: the bytes above it move down one place (no dot: `below` is every byte).
        let below = (UInt64(1) << UInt64(dot &* 8)) &- 1
        let y = (x & below) | ((x &>> 8) & ~below)
        let fraction = hasDot ? n &- 1 &- dot : 0
        // Below 10^8 and an exact power of ten: the one rounding of the division is the correctly rounded value.
        let v = Double(Int64(bitPattern: digitsValue(y, digits))) / exactPowersOf10[fraction]
        return Double(bitPattern: v.bitPattern | (sign &<< 63))
    }

    /// A field of known length `count`: an optional `-` and up to eight digits without a branch on either; longer
    /// fields go through `fastInt`; nil for anything else. Needs `fastReadAhead` readable bytes at `p`.
    @inline(__always) static func fieldInt(_ p: UnsafePointer<UInt8>, _ count: Int) -> Int64? {
        guard let (x, sign, n) = shortField(p, count) else {
            guard let (v, used) = fastInt(p), used == count else { return nil }
            return v
        }
        guard nonDigits(x, n) == 0 else { return nil }
        let v = Int64(bitPattern: digitsValue(x, n))
        let s = Int64(bitPattern: sign)
        return (v ^ (0 &- s)) &+ s
    }

    /// The eight bytes after an optional sign byte (`sign` is 0 or 1), from the first sixteen bytes of a field, by
    /// shifts and a mask rather than a branch.
    @inline(__always) static func fieldBytes(_ lo: UInt64, _ hi: UInt64, _ sign: UInt64) -> UInt64 {
        (lo &>> (sign &* 8)) | ((hi &<< 56) & (0 &- sign))
    }

    /// The high bit of each of the first `n` (1...8) bytes of `x` (bytes XOR `0x30`) that is not a digit.
    @inline(__always) static func nonDigits(_ x: UInt64, _ n: Int) -> UInt64 {
        (((x & 0x7F7F_7F7F_7F7F_7F7F) &+ 0x7676_7676_7676_7676) | x) & (0x8080_8080_8080_8080 &>> UInt64(64 &- 8 &* n))
    }

    /// The run of decimal digits at `p` (at most `n` bytes) as a number and its length; the value is meaningful for
    /// runs of up to 19 digits.
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
