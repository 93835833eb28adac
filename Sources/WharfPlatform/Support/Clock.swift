import Foundation

/// Wall-clock time as stored in the metadata database: integer milliseconds since the Unix epoch.
public enum WallClock {
    public static func millisecondsSinceEpoch(_ date: Date = Date()) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded())
    }
}
