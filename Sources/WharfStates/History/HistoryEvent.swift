import Foundation

/// One event of an execution's history, shaped like Step Functions' `GetExecutionHistory` entries.
public struct HistoryEvent: Sendable, Equatable {
    public var id: Int
    public var previousEventId: Int
    public var timestamp: Date
    /// `ExecutionStarted`, `PassStateEntered`, `TaskScheduled`, `MapIterationStarted`, ...
    public var type: String
    /// The `...EventDetails` object (input and output fields as JSON text, as AWS records them).
    public var details: JSONValue?

    /// The name of the details field, e.g. `stateEnteredEventDetails` for `PassStateEntered`.
    public var detailsKey: String {
        if type.hasSuffix("StateEntered") { return "stateEnteredEventDetails" }
        if type.hasSuffix("StateExited") { return "stateExitedEventDetails" }
        let first = type.prefix(1).lowercased()
        return first + type.dropFirst() + "EventDetails"
    }

    /// The event as GetExecutionHistory returns it.
    public var json: JSONValue {
        var o = JSONObject()
        o["timestamp"] = .string(TimestampFormatter.iso8601(timestamp))
        o["type"] = .string(type)
        o["id"] = .int(id)
        o["previousEventId"] = .int(previousEventId)
        if let details { o[detailsKey] = details }
        return .object(o)
    }
}

/// Collects the events of one execution from all of its branches; ids are assigned in arrival order.
final class HistoryRecorder: @unchecked Sendable {
    private let lock = NSLock()
    private var events: [HistoryEvent] = []
    let enabled: Bool
    let clock: any StatesClock

    init(enabled: Bool, clock: any StatesClock) {
        self.enabled = enabled
        self.clock = clock
    }

    /// Appends an event after `previous` and returns its id (0 when recording is off).
    @discardableResult
    func record(_ type: String, after previous: Int, _ details: @autoclosure () -> JSONValue?) -> Int {
        guard enabled else { return 0 }
        let d = details()
        let now = clock.now()
        return lock.withLock {
            let id = events.count + 1
            events.append(HistoryEvent(id: id, previousEventId: previous, timestamp: now, type: type, details: d))
            return id
        }
    }

    var all: [HistoryEvent] { lock.withLock { events } }
}

/// Fast UTC ISO 8601 formatting with milliseconds (`2024-01-02T03:04:05.678Z`).
enum TimestampFormatter {
    static func iso8601(_ date: Date) -> String {
        let t = date.timeIntervalSince1970
        var secs = Int(t.rounded(.down))
        var millis = Int(((t - Double(secs)) * 1000).rounded())
        if millis == 1000 {
            secs += 1
            millis = 0
        }
        var days = secs / 86400
        var rem = secs % 86400
        if rem < 0 {
            rem += 86400
            days -= 1
        }
        let hour = rem / 3600
        let minute = rem % 3600 / 60
        let second = rem % 60
        // Civil-from-days (Howard Hinnant's algorithm).
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        var year = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        if month <= 2 { year += 1 }
        func pad(_ v: Int, _ n: Int) -> String {
            let s = String(v)
            return s.count >= n ? s : String(repeating: "0", count: n - s.count) + s
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(hour, 2)):\(pad(minute, 2)):\(pad(second, 2)).\(pad(millis, 3))Z"
    }
}
