import SQLKit

/// Sampled metric history across runs, for charts (MLflow's `metrics/get-history-bulk-interval`).
extension TrackingService {
    public static let maxRunsPerHistorySample = 100
    public static let maxValuesPerHistorySample = 2500

    /// Every value of `key` for each run, as MLflow's `metrics/get-history-bulk` answers: runs in id order, a
    /// run's values by time, step and value, at most `maxResults` (25,000 at most) in all. A run that does not
    /// exist is RESOURCE_DOES_NOT_EXIST, as on `mlflow server`.
    public func metricHistoryBulk(runIds: [String], key: String, maxResults: Int = 25000) async throws -> [MetricWithRunId] {
        guard !runIds.isEmpty else { throw WharfError.invalid("run_id", "GetMetricHistoryBulk request must specify at least one run_id.") }
        guard runIds.count <= Self.maxRunsPerHistorySample else {
            throw WharfError.invalid("run_id", "GetMetricHistoryBulk request cannot specify more than \(Self.maxRunsPerHistorySample) run_ids. Received \(runIds.count) run_ids.")
        }
        let limit = min(max(maxResults, 1), 25000)
        return try await store.withDatabase { db in
            var result: [MetricWithRunId] = []
            for runId in Set(runIds).sorted() where result.count < limit {
                guard try await db.raw("SELECT run_id FROM runs WHERE run_id = \(bind: runId)").first() != nil else { throw Self.runNotFound(runId) }
                let rows = try await db.raw("""
                    SELECT key, value, is_nan, timestamp, step FROM run_metrics WHERE run_id = \(bind: runId) AND key = \(bind: key)
                    ORDER BY timestamp, step, value LIMIT \(literal: limit - result.count)
                    """).all()
                for row in rows {
                    let m = try Self.metric(row)
                    result.append(MetricWithRunId(key: m.key, value: m.value, timestamp: m.timestamp, step: m.step, runId: runId))
                }
            }
            return result
        }
    }

    /// Up to `maxResults` values of `key` per run, spread evenly over the run's history in (step, time, value)
    /// order (optionally only steps `startStep...endStep`): the history is cut into `maxResults` buckets in
    /// SQL and each bucket's first value kept, then the run's last value replaces or joins the sample, so
    /// charts keep both ends. Runs are answered in the order given.
    public func metricHistoryBulkInterval(
        runIds: [String], key: String, maxResults: Int = maxValuesPerHistorySample, startStep: Int64? = nil, endStep: Int64? = nil
    ) async throws -> [MetricWithRunId] {
        guard !runIds.isEmpty else { throw WharfError.invalid("run_ids", "missing required field 'run_ids'") }
        guard runIds.count <= Self.maxRunsPerHistorySample else {
            throw WharfError.invalid("run_ids", "at most \(Self.maxRunsPerHistorySample) run_ids per call; got \(runIds.count)")
        }
        guard !key.isEmpty else { throw WharfError.invalid("metric_key", "missing required field 'metric_key'") }
        let limit = try Self.limit(maxResults, most: Self.maxValuesPerHistorySample)
        switch (startStep, endStep) {
        case (nil, nil): break
        case (let start?, let end?):
            guard start <= end else { throw WharfError.invalid("end_step", "end_step (\(end)) must not be less than start_step (\(start))") }
        default:
            throw WharfError.invalid(startStep == nil ? "start_step" : "end_step", "start_step and end_step must be given together, or neither")
        }
        return try await store.withDatabase { db in
            let ids: [any Encodable & Sendable] = runIds
            let known = Set(try await db.raw("SELECT run_id FROM runs WHERE run_id IN (\(binds: ids))").all().map { try $0.decode(column: "run_id", as: String.self) })
            if let missing = runIds.first(where: { !known.contains($0) }) {
                throw Self.runNotFound(missing, field: "run_ids")
            }
            var result: [MetricWithRunId] = []
            for runId in runIds {
                var range: SQLQueryString = ""
                if let startStep, let endStep { range = " AND step >= \(bind: startStep) AND step <= \(bind: endStep)" }
                let sampled = try await db.raw("""
                    SELECT value, is_nan, timestamp, step FROM (
                        SELECT value, is_nan, timestamp, step, ROW_NUMBER() OVER (PARTITION BY bucket ORDER BY step, timestamp, value, is_nan) AS rn
                        FROM (
                            SELECT value, is_nan, timestamp, step, NTILE(\(literal: limit)) OVER (ORDER BY step, timestamp, value, is_nan) AS bucket
                            FROM run_metrics WHERE run_id = \(bind: runId) AND key = \(bind: key)\(range)
                        ) buckets
                    ) ranked WHERE rn = 1 ORDER BY step, timestamp, value, is_nan
                    """).all()
                var rows = try sampled.map { try Self.sampledValue($0) }
                if let lastRow = try await db.raw("""
                    SELECT value, is_nan, timestamp, step FROM run_metrics WHERE run_id = \(bind: runId) AND key = \(bind: key)\(range)
                    ORDER BY step DESC, timestamp DESC, value DESC, is_nan DESC LIMIT 1
                    """).first() {
                    let last = try Self.sampledValue(lastRow)
                    if rows.last.map({ $0 != last }) ?? true {
                        if rows.count >= limit { rows[rows.count - 1] = last } else { rows.append(last) }
                    }
                }
                result += rows.map { MetricWithRunId(key: key, value: $0.value, timestamp: $0.timestamp, step: $0.step, runId: runId) }
            }
            return result
        }
    }

    private struct SampledValue: Equatable {
        var value: Double
        var isNaN: Bool
        var timestamp: Int64
        var step: Int64

        /// Two NaN values at the same step and time are the same stored row.
        static func == (a: SampledValue, b: SampledValue) -> Bool {
            a.step == b.step && a.timestamp == b.timestamp && a.isNaN == b.isNaN && (a.isNaN || a.value == b.value)
        }
    }

    private static func sampledValue(_ row: any SQLRow) throws -> SampledValue {
        let isNaN = try row.decode(column: "is_nan", as: Int64.self) != 0
        return SampledValue(
            value: isNaN ? .nan : try row.decode(column: "value", as: Double.self), isNaN: isNaN,
            timestamp: try row.decode(column: "timestamp", as: Int64.self), step: try row.decode(column: "step", as: Int64.self))
    }
}
