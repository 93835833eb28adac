/// A calendar part of a date or timestamp.
public enum DatePart: String, Sendable, Codable, CaseIterable {
    case year, month, day, weekday, dayOfYear, hour, minute, second, quarter
}

extension Column {
    /// A part of each date or timestamp as an int column (weekday: Monday = 0, as pandas `dayofweek`).
    public func datePart(_ part: DatePart) throws(FrameError) -> Column {
        let micros = try timestampMicros()
        let values: [Int64?] = micros.map { m in
            guard let m else { return nil }
            let day = Int32((m >= 0 ? m : m - 86_399_999_999) / 86_400_000_000)
            let secOfDay = (m - Int64(day) * 86_400_000_000) / 1_000_000
            let c = CivilDate.civil(days: day)
            switch part {
            case .year: return Int64(c.year)
            case .month: return Int64(c.month)
            case .day: return Int64(c.day)
            case .quarter: return Int64((c.month - 1) / 3 + 1)
            case .weekday: return Int64(CivilDate.weekday(days: day))
            case .dayOfYear: return Int64(day - CivilDate.days(year: c.year, month: 1, day: 1) + 1)
            case .hour: return secOfDay / 3600
            case .minute: return secOfDay / 60 % 60
            case .second: return secOfDay % 60
            }
        }
        return Column("\(name)_\(part.rawValue)", values)
    }

    /// Microseconds since the epoch per row; strings are parsed as dates or timestamps.
    func timestampMicros() throws(FrameError) -> [Int64?] {
        switch storage {
        case .timestamp(let v): return (0..<count).map { isNull($0) ? nil : v[v.startIndex + $0] }
        case .date(let v): return (0..<count).map { isNull($0) ? nil : Int64(v[v.startIndex + $0]) * 86_400_000_000 }
        case .string, .categorical:
            let t = try cast(to: .timestamp)
            return try t.timestampMicros()
        default:
            throw FrameError(.typeMismatch, "column '\(name)' is \(type), not a date or timestamp", field: name)
        }
    }
}

extension DataFrame {
    /// Adds `column_part` for each part.
    public func addingDateParts(_ name: String, _ parts: [DatePart]) throws(FrameError) -> DataFrame {
        var f = self
        let c = try column(name)
        for p in parts { try f.setColumn(try c.datePart(p)) }
        return f
    }

    /// `end - start` in days (fractional for timestamps) as a new double column.
    public func addingDaysBetween(_ start: String, _ end: String, as name: String) throws(FrameError) -> DataFrame {
        let a = try column(start).timestampMicros(), b = try column(end).timestampMicros()
        var f = self
        try f.setColumn(Column(name, zip(a, b).map { x, y -> Double? in
            guard let x, let y else { return nil }
            return Double(y - x) / 86_400_000_000
        }))
        return f
    }
}
