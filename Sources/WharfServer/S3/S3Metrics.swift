import HTTPTypes
import Metrics
import Synchronization

/// Counts S3 calls and times them under the same metric names as Hummingbird's MetricsMiddleware
/// (`hb.requests`, `http.server.request.duration`, route `s3:<Operation>`).
///
/// S3 calls are recorded here rather than by that middleware because it wraps every response body
/// in a closure, which turns a one-buffer response (a small GET, any PUT) into three separate
/// socket writes. The time recorded runs until the response head is ready; a streamed body's
/// transfer time is not included.
final class S3Metrics: Sendable {
    private struct ID: Hashable {
        let operation: String
        let method: HTTPRequest.Method
        let status: Int
    }

    private struct Instruments: Sendable {
        let counter: Counter
        let timer: Timer
    }

    private let cache = Mutex<[ID: Instruments]>([:])

    func record(operation: String, method: HTTPRequest.Method, status: HTTPResponse.Status, nanoseconds: UInt64) {
        let id = ID(operation: operation, method: method, status: status.code)
        let instruments = cache.withLock { cache in
            if let found = cache[id] { return found }
            let dimensions = [
                ("http.route", "s3:\(operation)"),
                ("http.request.method", method.rawValue),
                ("http.response.status_code", String(status.code)),
            ]
            let made = Instruments(
                counter: Counter(label: "hb.requests", dimensions: dimensions),
                timer: Timer(label: "http.server.request.duration", dimensions: dimensions, preferredDisplayUnit: .seconds)
            )
            cache[id] = made
            return made
        }
        instruments.counter.increment()
        instruments.timer.recordNanoseconds(Int64(truncatingIfNeeded: nanoseconds))
    }
}
