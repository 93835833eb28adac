import Foundation

/// RFC 3339 timestamps as the spec restricts them: an uppercase `T` between date and time and
/// an uppercase `Z` or a numeric offset.
public enum Timestamp {
    /// Parses `2016-03-14T01:59:00Z` or `2016-03-14T01:59:00.123+02:00`; nil when invalid.
    public static func parse(_ s: String) -> Date? {
        let u = Array(s.utf8)
        guard u.count >= 20 else { return nil }
        func digits(_ from: Int, _ n: Int) -> Int? {
            guard from + n <= u.count else { return nil }
            var v = 0
            for i in from..<(from + n) {
                let c = u[i]
                guard c >= 48, c <= 57 else { return nil }
                v = v * 10 + Int(c - 48)
            }
            return v
        }
        guard let year = digits(0, 4), u[4] == 45, let month = digits(5, 2), u[7] == 45, let day = digits(8, 2),
              u[10] == 84, let hour = digits(11, 2), u[13] == 58, let minute = digits(14, 2), u[16] == 58,
              let second = digits(17, 2) else { return nil }
        guard (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61 else { return nil }
        var i = 19
        var fraction = 0.0
        if i < u.count, u[i] == 46 {
            i += 1
            var scale = 0.1
            let start = i
            while i < u.count, u[i] >= 48, u[i] <= 57 {
                fraction += Double(u[i] - 48) * scale
                scale /= 10
                i += 1
            }
            if i == start { return nil }
        }
        guard i < u.count else { return nil }
        var offset = 0
        if u[i] == 90 {
            i += 1
        } else if u[i] == 43 || u[i] == 45 {
            guard let oh = digits(i + 1, 2), i + 3 < u.count, u[i + 3] == 58, let om = digits(i + 4, 2), oh < 24, om < 60 else { return nil }
            offset = (oh * 3600 + om * 60) * (u[i] == 43 ? 1 : -1)
            i += 6
        } else {
            return nil
        }
        guard i == u.count else { return nil }
        var comps = DateComponents()
        comps.year = year
        comps.month = month
        comps.day = day
        comps.hour = hour
        comps.minute = minute
        comps.second = second
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = TimeZone(secondsFromGMT: 0)!
        guard let base = cal.date(from: comps), cal.component(.day, from: base) == day else { return nil }
        return base.addingTimeInterval(fraction - Double(offset))
    }
}
