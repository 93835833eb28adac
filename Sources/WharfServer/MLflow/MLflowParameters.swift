import Hummingbird
import NIOCore
import WharfPlatform

/// The arguments of one MLflow call: its JSON body merged over its query string, since the MLflow
/// client sends GET arguments in the query and everything else as JSON. Numbers may arrive as JSON
/// numbers or as strings (protobuf's JSON form of int64); both are accepted. A string field given a
/// number, a bool or an object is refused, as `mlflow server` refuses it, and errors use its wording.
struct MLflowParameters: Sendable {
    let values: RequestJSONObject

    init(values: RequestJSONObject) {
        self.values = values
    }

    static func from(_ request: Request, context: WharfRequestContext) async throws -> MLflowParameters {
        var values = RequestJSONObject()
        for (name, value) in try queryFields(request.uri.query) {
            let text = RequestJSON.string(value)
            if let at = values.fields.firstIndex(where: { $0.key == name }) {
                if case .array(let list) = values.fields[at].value {
                    values.fields[at].value = .array(list + [text])
                } else {
                    values.fields[at].value = .array([values.fields[at].value, text])
                }
            } else {
                values.fields.append((name, text))
            }
        }
        guard request.method != .get else { return MLflowParameters(values: values) }
        var request = request
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: context.maxUploadSize)
        } catch is NIOTooManyBytesError {
            throw WharfError(.payloadTooLarge, "the request body is larger than the limit of \(context.maxUploadSize) bytes")
        }
        if buffer.readableBytes > 0 {
            guard case .object(let object) = try RequestJSON.parse(buffer) else {
                throw WharfError.invalid("body", "the body is not a JSON object")
            }
            // Body fields come last, so they win over query parameters of the same name.
            values.fields.append(contentsOf: object.fields)
        }
        return MLflowParameters(values: values)
    }

    /// The fields of a query string as a form decodes them (`+` is a space, then percent-decoding), in order.
    static func queryFields(_ query: String?) throws -> [(String, String)] {
        guard let query, !query.isEmpty else { return [] }
        var fields: [(String, String)] = []
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ text: Substring) throws -> String {
                let spaced = text.replacingOccurrences(of: "+", with: " ")
                guard let decoded = spaced.removingPercentEncoding else {
                    throw WharfError.invalid("query", "the query string has invalid percent-encoding near '\(text.prefix(40))'")
                }
                return decoded
            }
            fields.append((try decode(parts[0]), parts.count > 1 ? try decode(parts[1]) : ""))
        }
        return fields
    }

    /// MLflow's message for a required parameter that is absent or empty.
    static func missing(_ key: String) -> WharfError {
        WharfError.invalid(key, "Missing value for required parameter '\(key)'. See the API docs for more information about request parameters.")
    }

    /// MLflow's message for a value of the wrong type, with the type named as Python names it.
    static func wrongType(_ key: String, _ value: RequestJSON) -> WharfError {
        let (shown, type): (String, String) = switch value {
        case .integer(let n): (String(n), "int")
        case .double(let d): (String(d), "float")
        case .bool(let b): (b ? "true" : "false", "bool")
        case .string(let t): ("\"\(t)\"", "str")
        case .array: ("[...]", "list")
        case .object: ("{...}", "dict")
        case .null: ("null", "NoneType")
        }
        return WharfError.invalid(key, "Invalid value \(shown) for parameter '\(key)' supplied: Hint: Value was of type '\(type)'. See the API docs for more information about request parameters.")
    }

    func optionalString(_ key: String) throws -> String? {
        switch values[key] {
        case nil, .null: return nil
        case .string(let text): return text
        case .array(let list) where list.count == 1:
            return try MLflowParameters(values: RequestJSONObject(fields: [(key, list[0])])).optionalString(key)
        case let other?: throw Self.wrongType(key, other)
        }
    }

    func string(_ key: String) throws -> String {
        guard let value = try optionalString(key), !value.isEmpty else { throw Self.missing(key) }
        return value
    }

    func optionalInt64(_ key: String) throws -> Int64? {
        switch values[key] {
        case nil, .null: return nil
        case .integer(let number): return number
        case .double(let number):
            guard number.rounded() == number, abs(number) < 9.2e18 else { throw WharfError.invalid(key, "field '\(key)' must be an integer") }
            return Int64(number)
        case .string(let text):
            guard let value = Int64(text) else { throw WharfError.invalid(key, "field '\(key)' must be an integer; got '\(text)'") }
            return value
        default: throw WharfError.invalid(key, "field '\(key)' must be an integer")
        }
    }

    func int64(_ key: String) throws -> Int64 {
        guard let value = try optionalInt64(key) else { throw Self.missing(key) }
        return value
    }

    func double(_ key: String) throws -> Double {
        switch values[key] {
        case nil, .null: throw Self.missing(key)
        case .double(let number): return number
        case .integer(let number): return Double(number)
        case .string(let text):
            switch text {
            case "NaN": return .nan
            case "Infinity": return .infinity
            case "-Infinity": return -.infinity
            default:
                guard let value = Double(text) else { throw WharfError.invalid(key, "field '\(key)' must be a number; got '\(text)'") }
                return value
            }
        default: throw WharfError.invalid(key, "field '\(key)' must be a number")
        }
    }

    func bool(_ key: String) throws -> Bool? {
        switch values[key] {
        case nil, .null: return nil
        case .bool(let flag): return flag
        case .integer(let number): return number != 0
        case .string(let text):
            switch text.lowercased() {
            case "true", "1": return true
            case "false", "0": return false
            default: throw WharfError.invalid(key, "field '\(key)' must be true or false; got '\(text)'")
            }
        default: throw WharfError.invalid(key, "field '\(key)' must be true or false")
        }
    }

    func stringList(_ key: String) throws -> [String] {
        switch values[key] {
        case nil, .null: return []
        case .string(let text): return [text]
        case .array(let list):
            return try list.enumerated().map { index, item in
                try MLflowParameters(values: RequestJSONObject(fields: [("\(key)[\(index)]", item)])).string("\(key)[\(index)]")
            }
        default: throw WharfError.invalid(key, "field '\(key)' must be a list of strings")
        }
    }

    /// A list of JSON objects, each wrapped so errors name `key[index].field`.
    func objects(_ key: String) throws -> [MLflowParameters] {
        switch values[key] {
        case nil, .null: return []
        case .array(let list):
            var result: [MLflowParameters] = []
            result.reserveCapacity(list.count)
            for (index, item) in list.enumerated() {
                guard case .object(let object) = item else { throw WharfError.invalid("\(key)[\(index)]", "'\(key)[\(index)]' must be an object") }
                result.append(MLflowParameters(values: object).prefixed(key, index: index))
            }
            return result
        default: throw WharfError.invalid(key, "field '\(key)' must be a list of objects")
        }
    }

    func object(_ key: String) throws -> MLflowParameters? {
        switch values[key] {
        case nil, .null: return nil
        case .object(let object): return MLflowParameters(values: object).prefixed(key, index: nil)
        default: throw WharfError.invalid(key, "field '\(key)' must be an object")
        }
    }

    /// Errors from a nested object name their full path: the key (and index) it was found under,
    /// spelled out only when an error needs it.
    private var parentKey: String?
    private var parentIndex: Int?

    private var prefix: String? {
        parentKey.map { key in parentIndex.map { "\(key)[\($0)]" } ?? key }
    }

    private func prefixed(_ key: String, index: Int?) -> MLflowParameters {
        var copy = self
        copy.parentKey = key
        copy.parentIndex = index
        return copy
    }

    func field(_ key: String) -> String { prefix.map { "\($0).\(key)" } ?? key }

    /// Runs `body`, renaming the field of an invalid-argument error to its full path.
    func nested<T>(_ body: (MLflowParameters) throws -> T) throws -> T {
        do {
            return try body(self)
        } catch let thrown as WharfError where parentKey != nil && thrown.kind == .invalidArgument {
            var error = thrown
            if let field = error.field {
                error.message = error.message.replacingOccurrences(of: "'\(field)'", with: "'\(self.field(field))'")
                error.field = self.field(field)
            }
            throw error
        }
    }

    func tags(_ key: String = "tags") throws -> [Tag] {
        try objects(key).map { item in try item.nested { Tag(key: try $0.string("key"), value: try $0.optionalString("value") ?? "") } }
    }

    func params(_ key: String = "params") throws -> [Param] {
        try objects(key).map { item in try item.nested { Param(key: try $0.string("key"), value: try $0.optionalString("value") ?? "") } }
    }

    /// The batch's metrics, and those of them the client also logged against a logged model (`model_id`,
    /// with an optional `dataset_name` and `dataset_digest`).
    func metrics(runId: String, _ key: String = "metrics") throws -> (metrics: [Metric], modelMetrics: [LoggedModelMetric]) {
        var metrics: [Metric] = []
        var modelMetrics: [LoggedModelMetric] = []
        for item in try objects(key) {
            try item.nested { m in
                let metric = try m.metric()
                metrics.append(metric)
                if let link = try m.modelMetric(metric, runId: runId) { modelMetrics.append(link) }
            }
        }
        return (metrics, modelMetrics)
    }

    /// A metric's own fields: `key`, `value`, `timestamp`, `step`.
    func metric() throws -> Metric {
        Metric(key: try string("key"), value: try double("value"), timestamp: try int64("timestamp"), step: try optionalInt64("step") ?? 0)
    }

    /// The metric as logged against a logged model, when the call names one.
    func modelMetric(_ metric: Metric, runId: String) throws -> LoggedModelMetric? {
        guard let modelId = try optionalString("model_id"), !modelId.isEmpty else { return nil }
        return LoggedModelMetric(
            modelId: modelId, metric: metric, runId: runId,
            datasetName: try optionalString("dataset_name").flatMap { $0.isEmpty ? nil : $0 },
            datasetDigest: try optionalString("dataset_digest").flatMap { $0.isEmpty ? nil : $0 })
    }

    func maxResults(default value: Int) throws -> Int {
        guard let given = try optionalInt64("max_results") else { return value }
        return Int(clamping: given)
    }
}
