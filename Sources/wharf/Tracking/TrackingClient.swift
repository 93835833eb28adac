import Foundation
import NIOHTTP1
import WharfPlatform

/// Calls of the `/v1` tracking and registry API that the experiments, runs and models commands share.
struct TrackingClient {
    let client: WharfClient

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return decoder
    }()

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return encoder
    }()

    func get<T: Decodable>(_ path: String, as type: T.Type) async throws -> T {
        try Self.decoder.decode(T.self, from: try await client.send(.GET, path))
    }

    func send<T: Decodable>(_ method: HTTPMethodName, _ path: String, json body: (any Encodable)? = nil, as type: T.Type) async throws -> T {
        try Self.decoder.decode(T.self, from: try await client.send(method.nio, path, json: body))
    }

    func send(_ method: HTTPMethodName, _ path: String, json body: (any Encodable)? = nil) async throws {
        _ = try await client.send(method.nio, path, json: body)
    }

    /// Finds an experiment by id or, failing that, by exact name.
    func experiment(_ idOrName: String) async throws -> Experiment {
        if idOrName.allSatisfy(\.isNumber) {
            return try await get("/v1/experiments/\(Self.segment(idOrName))", as: Experiment.self)
        }
        let filter = "name = '\(idOrName.replacingOccurrences(of: "'", with: "''"))'"
        let list = try await get("/v1/experiments?view=ALL&filter=\(Self.query(filter))", as: ExperimentList.self)
        guard let experiment = list.experiments.first else {
            throw CommandFailure(message: "experiment '\(idOrName)' does not exist", exitCode: 3)
        }
        return experiment
    }

    static func segment(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/?#"))) ?? text
    }

    static func query(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed.subtracting(CharacterSet(charactersIn: "&+=#"))) ?? text
    }

    static func printJSON(_ value: some Encodable) throws {
        print(String(decoding: try encoder.encode(value), as: UTF8.self))
    }

    static func time(_ milliseconds: Int64?) -> String {
        guard let milliseconds else { return "-" }
        return Date(timeIntervalSince1970: Double(milliseconds) / 1000).formatted(.iso8601)
    }

    static func number(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(format: "%.6g", value)
    }

    struct ExperimentList: Codable {
        let experiments: [Experiment]
        let nextPageToken: String?
    }

    struct RunList: Codable {
        let runs: [Run]
        let nextPageToken: String?
    }

    struct MetricList: Codable {
        let metrics: [Metric]
        let nextPageToken: String?
    }

    struct ModelList: Codable {
        let models: [RegisteredModel]
        let nextPageToken: String?
    }

    struct VersionList: Codable {
        let versions: [ModelVersion]
        let nextPageToken: String?
    }

    /// Every value of one metric, following page tokens.
    func history(runId: String, key: String) async throws -> [Metric] {
        var metrics: [Metric] = []
        var token: String?
        repeat {
            var path = "/v1/runs/\(Self.segment(runId))/metrics/\(Self.segment(key))?maxResults=25000"
            if let token { path += "&pageToken=\(Self.query(token))" }
            let page = try await get(path, as: MetricList.self)
            metrics += page.metrics
            token = page.nextPageToken
        } while token != nil
        return metrics
    }
}

/// The HTTP methods the tracking commands use.
enum HTTPMethodName {
    case get, post, put, patch, delete

    var nio: HTTPMethod {
        switch self {
        case .get: .GET
        case .post: .POST
        case .put: .PUT
        case .patch: .PATCH
        case .delete: .DELETE
        }
    }
}
