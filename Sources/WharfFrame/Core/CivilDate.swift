/// Calendar arithmetic on the proleptic Gregorian calendar without time zones (dates as days since 1970-01-01).
public enum CivilDate {
    /// Days since 1970-01-01 of a calendar date.
    @inlinable @inline(__always) public static func days(year: Int, month: Int, day: Int) -> Int32 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return Int32(era * 146097 + doe - 719468)
    }

    /// Calendar date of a day number.
    @inlinable public static func civil(days: Int32) -> (year: Int, month: Int, day: Int) {
        let z = Int(days) + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    /// ISO weekday, Monday = 0 ... Sunday = 6 (pandas `dayofweek`).
    @inlinable public static func weekday(days: Int32) -> Int {
        let w = (Int(days) + 3) % 7  // 1970-01-01 was a Thursday
        return w < 0 ? w + 7 : w
    }

    public static func format(days: Int32) -> String {
        let c = civil(days: days)
        return pad(c.year, 4) + "-" + pad(c.month, 2) + "-" + pad(c.day, 2)
    }

    public static func format(micros: Int64) -> String {
        let day = Int32((micros >= 0 ? micros : micros - 86_399_999_999) / 86_400_000_000)
        var rest = micros - Int64(day) * 86_400_000_000
        let h = rest / 3_600_000_000; rest -= h * 3_600_000_000
        let m = rest / 60_000_000; rest -= m * 60_000_000
        let s = rest / 1_000_000; rest -= s * 1_000_000
        var text = format(days: day) + " " + pad(Int(h), 2) + ":" + pad(Int(m), 2) + ":" + pad(Int(s), 2)
        if rest != 0 { text += "." + pad(Int(rest), 6) }
        return text
    }

    static func pad(_ v: Int, _ width: Int) -> String {
        let s = String(v)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }

    /// Parses `yyyy-MM-dd` from UTF-8 bytes.
    @inlinable public static func parseDate(_ p: UnsafeBufferPointer<UInt8>) -> Int32? {
        guard p.count == 10, p[4] == 45, p[7] == 45,
              let y = digits(p, 0, 4), let m = digits(p, 5, 2), let d = digits(p, 8, 2),
              (1...12).contains(m), (1...31).contains(d) else { return nil }
        return days(year: y, month: m, day: d)
    }

    /// Parses `yyyy-MM-dd HH:mm[:ss[.f...]]` (or with `T`, optional trailing `Z`) into microseconds.
    @inlinable public static func parseTimestamp(_ p: UnsafeBufferPointer<UInt8>) -> Int64? {
        var n = p.count
        if n > 0, p[n - 1] == 90 { n -= 1 }  // 'Z'
        guard n >= 16, p[4] == 45, p[7] == 45, p[10] == 32 || p[10] == 84, p[13] == 58,
              let y = digits(p, 0, 4), let mo = digits(p, 5, 2), let d = digits(p, 8, 2),
              let h = digits(p, 11, 2), let mi = digits(p, 14, 2),
              (1...12).contains(mo), (1...31).contains(d), h < 24, mi < 60 else { return nil }
        var sec = 0
        var micros = 0
        if n > 16 {
            guard n >= 19, p[16] == 58, let s = digits(p, 17, 2), s < 61 else { return nil }
            sec = s
            if n > 19 {
                guard p[19] == 46, n > 20 else { return nil }
                var scale = 100_000
                for i in 20..<n {
                    let c = Int(p[i]) - 48
                    guard c >= 0, c <= 9 else { return nil }
                    micros += c * scale
                    scale /= 10
                }
            }
        }
        let day = Int64(days(year: y, month: mo, day: d))
        return day * 86_400_000_000 + Int64(h * 3600 + mi * 60 + sec) * 1_000_000 + Int64(micros)
    }

    @inlinable @inline(__always) static func digits(_ p: UnsafeBufferPointer<UInt8>, _ at: Int, _ len: Int) -> Int? {
        var v = 0
        for i in at..<(at + len) {
            let c = Int(p[i]) - 48
            if c < 0 || c > 9 { return nil }
            v = v * 10 + c
        }
        return v
    }

    /// Parses a date or timestamp from a String.
    public static func parse(_ text: String) -> Value? {
        var s = text
        return s.withUTF8 { p in
            if let d = parseDate(p) { return .date(d) }
            if let t = parseTimestamp(p) { return .timestamp(t) }
            return nil
        }
    }
}
