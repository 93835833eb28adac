import Foundation

/// A named group of runs with its artifact root (MLflow's experiment).
public struct Experiment: Codable, Sendable, Hashable {
    public var experimentId: String
    public var name: String
    public var artifactLocation: String
    public var lifecycleStage: String
    public var creationTime: Int64
    public var lastUpdateTime: Int64
    public var tags: [Tag]
}

/// A key and a string value: a tag on an experiment, run, model or version.
public struct Tag: Codable, Sendable, Hashable {
    public var key: String
    public var value: String
    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }
}

/// A run's hyper-parameter: set once, never changed.
public struct Param: Codable, Sendable, Hashable {
    public var key: String
    public var value: String
    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }
}

/// One measurement of a metric at a step and a time.
public struct Metric: Codable, Sendable, Hashable {
    public var key: String
    public var value: Double
    public var timestamp: Int64
    public var step: Int64
    public init(key: String, value: Double, timestamp: Int64, step: Int64 = 0) {
        self.key = key
        self.value = value
        self.timestamp = timestamp
        self.step = step
    }

    public static func == (a: Metric, b: Metric) -> Bool {
        a.key == b.key && a.timestamp == b.timestamp && a.step == b.step && (a.value == b.value || (a.value.isNaN && b.value.isNaN))
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(key)
        hasher.combine(timestamp)
        hasher.combine(step)
    }
}

/// Where a run is in its life: MLflow's five statuses.
public enum RunStatus: String, Codable, Sendable, CaseIterable {
    case running = "RUNNING"
    case scheduled = "SCHEDULED"
    case finished = "FINISHED"
    case failed = "FAILED"
    case killed = "KILLED"

    /// Parses a status name, naming the field when it is not one of the five.
    public static func parse(_ text: String, field: String = "status") throws -> RunStatus {
        guard let status = RunStatus(rawValue: text.uppercased()) else {
            throw WharfError.invalid(field, "\(field) must be one of RUNNING, SCHEDULED, FINISHED, FAILED, KILLED; got '\(text)'")
        }
        return status
    }
}

/// Which lifecycle stages a listing includes.
public enum ViewType: String, Codable, Sendable {
    case activeOnly = "ACTIVE_ONLY"
    case deletedOnly = "DELETED_ONLY"
    case all = "ALL"

    var stages: [String] {
        switch self {
        case .activeOnly: ["active"]
        case .deletedOnly: ["deleted"]
        case .all: ["active", "deleted"]
        }
    }

    public static func parse(_ text: String?, field: String = "run_view_type") throws -> ViewType {
        guard let text, !text.isEmpty else { return .activeOnly }
        guard let view = ViewType(rawValue: text.uppercased()) else {
            throw WharfError.invalid(field, "\(field) must be ACTIVE_ONLY, DELETED_ONLY or ALL; got '\(text)'")
        }
        return view
    }
}

/// A run's identity, status and times.
public struct RunInfo: Codable, Sendable, Hashable {
    public var runId: String
    public var runUuid: String
    public var runName: String
    public var experimentId: String
    public var userId: String
    public var status: String
    public var startTime: Int64?
    public var endTime: Int64?
    public var artifactUri: String
    public var lifecycleStage: String
}

/// What a run logged: latest metric values, params and tags.
public struct RunData: Codable, Sendable, Hashable {
    public var metrics: [Metric]
    public var params: [Param]
    public var tags: [Tag]
}

/// A data set a run read: its name, digest, source and schema.
public struct Dataset: Codable, Sendable, Hashable {
    public var name: String
    public var digest: String
    public var sourceType: String
    public var source: String
    public var schema: String?
    public var profile: String?
    public init(name: String, digest: String, sourceType: String, source: String, schema: String? = nil, profile: String? = nil) {
        self.name = name
        self.digest = digest
        self.sourceType = sourceType
        self.source = source
        self.schema = schema
        self.profile = profile
    }
}

/// A data set logged to a run, with its tags (such as `mlflow.data.context`).
public struct DatasetInput: Codable, Sendable, Hashable {
    public var tags: [Tag]
    public var dataset: Dataset
    public init(tags: [Tag], dataset: Dataset) {
        self.tags = tags
        self.dataset = dataset
    }
}

/// The inputs a run logged.
public struct RunInputs: Codable, Sendable, Hashable {
    public var datasetInputs: [DatasetInput]
}

/// A logged model a run produced, at a step.
public struct ModelOutput: Codable, Sendable, Hashable {
    public var modelId: String
    public var step: Int64
    public init(modelId: String, step: Int64) {
        self.modelId = modelId
        self.step = step
    }
}

/// The outputs a run logged.
public struct RunOutputs: Codable, Sendable, Hashable {
    public var modelOutputs: [ModelOutput]
}

/// A run: its info, data, inputs and outputs.
public struct Run: Codable, Sendable, Hashable {
    public var info: RunInfo
    public var data: RunData
    public var inputs: RunInputs
    public var outputs: RunOutputs
}

/// One page of a listing and the token for the next, if any.
public struct Page<Item: Sendable & Codable>: Sendable, Codable {
    public var items: [Item]
    public var nextPageToken: String?
}

/// A model logged by a run or on its own (MLflow 3's LoggedModel).
public struct LoggedModel: Codable, Sendable, Hashable {
    public var modelId: String
    public var experimentId: String
    public var name: String
    public var artifactUri: String
    public var creationTimestampMs: Int64
    public var lastUpdatedTimestampMs: Int64
    public var sourceRunId: String?
    public var status: String
    public var modelType: String?
    public var tags: [Tag]
    public var params: [Param]
    /// Metrics runs logged against this model, in key, step and time order.
    public var metrics: [LoggedModelMetric]
}

/// A metric value a run logged against a logged model, optionally on a named data set.
public struct LoggedModelMetric: Codable, Sendable, Hashable {
    public var modelId: String
    public var key: String
    public var value: Double
    public var timestamp: Int64
    public var step: Int64
    public var runId: String
    public var datasetName: String?
    public var datasetDigest: String?
    public init(modelId: String, metric: Metric, runId: String, datasetName: String? = nil, datasetDigest: String? = nil) {
        self.modelId = modelId
        self.key = metric.key
        self.value = metric.value
        self.timestamp = metric.timestamp
        self.step = metric.step
        self.runId = runId
        self.datasetName = datasetName
        self.datasetDigest = datasetDigest
    }
}

/// One value of a metric's history with the run it belongs to (MLflow's MetricWithRunId).
public struct MetricWithRunId: Codable, Sendable, Hashable {
    public var key: String
    public var value: Double
    public var timestamp: Int64
    public var step: Int64
    public var runId: String
}

/// Page tokens are offsets, opaque to clients.
enum PageToken {
    static func encode(_ offset: Int) -> String {
        Data("offset:\(offset)".utf8).base64EncodedString()
    }

    static func decode(_ token: String?, field: String = "page_token") throws -> Int {
        guard let token, !token.isEmpty else { return 0 }
        guard let data = Data(base64Encoded: token), let text = String(data: data, encoding: .utf8),
              text.hasPrefix("offset:"), let offset = Int(text.dropFirst(7)), offset >= 0
        else { throw WharfError.invalid(field, "\(field) is not a token this server issued") }
        return offset
    }
}

/// Identifiers: run and logged-model ids are random hex, like MLflow's.
enum TrackingIdentifier {
    static func hex() -> String {
        UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
    }
}

/// The size limits MLflow's server enforces, enforced the same way here.
public enum TrackingLimits {
    public static let maxMetricsPerBatch = 1000
    public static let maxParamsPerBatch = 100
    public static let maxTagsPerBatch = 100
    public static let maxEntitiesPerBatch = 1000
    public static let maxKeyLength = 250
    public static let maxParamValueLength = 6000
    public static let maxTagValueLength = 8000
    public static let maxResults = 50000
}
