import Foundation
import Hummingbird
import NIOCore
import WharfPlatform

/// The arguments of one MLflow call: its JSON body merged over its query string, since the MLflow
/// client sends GET arguments in the query and everything else as JSON. Numbers may arrive as JSON
/// numbers or as strings (protobuf's JSON form of int64); both are accepted.
struct MLflowParameters: @unchecked Sendable {
    let values: [String: Any]

    init(values: [String: Any]) {
        self.values = values
    }

    static func from(_ request: Request, context: WharfRequestContext) async throws -> MLflowParameters {
        var values: [String: Any] = [:]
        for (key, value) in request.uri.queryParameters {
            let name = String(key)
            let text = String(value)
            if let existing = values[name] {
                values[name] = ((existing as? [Any]) ?? [existing]) + [text]
            } else {
                values[name] = text
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
            guard let object = try? JSONSerialization.jsonObject(with: Data(buffer: buffer), options: [.fragmentsAllowed]) as? [String: Any] else {
                throw WharfError.invalid("body", "the body is not a JSON object")
            }
            values.merge(object) { _, body in body }
        }
        return MLflowParameters(values: values)
    }

    func optionalString(_ key: String) throws -> String? {
        switch values[key] {
        case nil, is NSNull: return nil
        case let text as String: return text
        case let number as NSNumber: return number.stringValue
        case let list as [Any] where list.count == 1: return try MLflowParameters(values: [key: list[0]]).optionalString(key)
        default: throw WharfError.invalid(key, "field '\(key)' must be a string")
        }
    }

    func string(_ key: String) throws -> String {
        guard let value = try optionalString(key), !value.isEmpty else {
            throw WharfError.invalid(key, "missing required field '\(key)'")
        }
        return value
    }

    func optionalInt64(_ key: String) throws -> Int64? {
        switch values[key] {
        case nil, is NSNull: return nil
        case let number as NSNumber:
            let double = number.doubleValue
            guard double.rounded() == double, abs(double) < 9.2e18 else { throw WharfError.invalid(key, "field '\(key)' must be an integer") }
            return number.int64Value
        case let text as String:
            guard let value = Int64(text) else { throw WharfError.invalid(key, "field '\(key)' must be an integer; got '\(text)'") }
            return value
        default: throw WharfError.invalid(key, "field '\(key)' must be an integer")
        }
    }

    func int64(_ key: String) throws -> Int64 {
        guard let value = try optionalInt64(key) else { throw WharfError.invalid(key, "missing required field '\(key)'") }
        return value
    }

    func double(_ key: String) throws -> Double {
        switch values[key] {
        case nil, is NSNull: throw WharfError.invalid(key, "missing required field '\(key)'")
        case let number as NSNumber: return number.doubleValue
        case let text as String:
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
        case nil, is NSNull: return nil
        case let number as NSNumber: return number.boolValue
        case let text as String:
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
        case nil, is NSNull: return []
        case let text as String: return [text]
        case let list as [Any]:
            return try list.enumerated().map { index, item in
                try MLflowParameters(values: ["\(key)[\(index)]": item]).string("\(key)[\(index)]")
            }
        default: throw WharfError.invalid(key, "field '\(key)' must be a list of strings")
        }
    }

    /// A list of JSON objects, each wrapped so errors name `key[index].field`.
    func objects(_ key: String) throws -> [MLflowParameters] {
        switch values[key] {
        case nil, is NSNull: return []
        case let list as [Any]:
            return try list.enumerated().map { index, item in
                guard let object = item as? [String: Any] else { throw WharfError.invalid("\(key)[\(index)]", "'\(key)[\(index)]' must be an object") }
                return MLflowParameters(values: object).prefixed("\(key)[\(index)]")
            }
        default: throw WharfError.invalid(key, "field '\(key)' must be a list of objects")
        }
    }

    func object(_ key: String) throws -> MLflowParameters? {
        switch values[key] {
        case nil, is NSNull: return nil
        case let object as [String: Any]: return MLflowParameters(values: object).prefixed(key)
        default: throw WharfError.invalid(key, "field '\(key)' must be an object")
        }
    }

    /// Errors from a nested object name their full path.
    private var prefix: String?

    private func prefixed(_ path: String) -> MLflowParameters {
        var copy = self
        copy.prefix = path
        return copy
    }

    func field(_ key: String) -> String { prefix.map { "\($0).\(key)" } ?? key }

    /// Runs `body`, renaming the field of an invalid-argument error to its full path.
    func nested<T>(_ body: (MLflowParameters) throws -> T) throws -> T {
        do {
            return try body(self)
        } catch let thrown as WharfError where prefix != nil && thrown.kind == .invalidArgument {
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

    func metrics(_ key: String = "metrics") throws -> [Metric] {
        try objects(key).map { item in
            try item.nested {
                Metric(key: try $0.string("key"), value: try $0.double("value"), timestamp: try $0.int64("timestamp"), step: try $0.optionalInt64("step") ?? 0)
            }
        }
    }

    func maxResults(default value: Int) throws -> Int {
        guard let given = try optionalInt64("max_results") else { return value }
        return Int(clamping: given)
    }
}
