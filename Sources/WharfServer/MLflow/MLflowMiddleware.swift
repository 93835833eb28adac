import Foundation
import Hummingbird
import WharfPlatform

/// MLflow's error shape, `{"error_code": "RESOURCE_DOES_NOT_EXIST", "message": ...}`, with MLflow's statuses.
/// The code comes from the error's kind and reason, never from its message.
struct MLflowError {
    let code: String
    let status: HTTPResponse.Status
    let message: String

    init(code: String, status: HTTPResponse.Status, message: String) {
        self.code = code
        self.status = status
        self.message = message
    }

    /// No route of the face matched: MLflow's ENDPOINT_NOT_FOUND.
    static func noEndpoint(_ request: Request) -> MLflowError {
        MLflowError(code: "ENDPOINT_NOT_FOUND", status: .notFound, message: "no MLflow endpoint \(request.method.rawValue) \(request.uri.path)")
    }

    init(_ error: WharfError) {
        message = error.message
        switch error.kind {
        case .invalidArgument: (code, status) = ("INVALID_PARAMETER_VALUE", .badRequest)
        case .notFound: (code, status) = ("RESOURCE_DOES_NOT_EXIST", .notFound)
        case .unauthenticated: (code, status) = ("UNAUTHENTICATED", .unauthorized)
        case .permissionDenied: (code, status) = ("PERMISSION_DENIED", .forbidden)
        case .payloadTooLarge: (code, status) = ("INVALID_PARAMETER_VALUE", .contentTooLarge)
        case .unavailable: (code, status) = ("TEMPORARILY_UNAVAILABLE", .serviceUnavailable)
        case .internal: (code, status) = ("INTERNAL_ERROR", .internalServerError)
        case .conflict:
            // MLflow answers a changed param with INVALID_PARAMETER_VALUE and a duplicate name with RESOURCE_ALREADY_EXISTS.
            switch error.reason {
            case .immutable: (code, status) = ("INVALID_PARAMETER_VALUE", .badRequest)
            case .alreadyExists: (code, status) = ("RESOURCE_ALREADY_EXISTS", .badRequest)
            case nil: (code, status) = ("INVALID_STATE", .conflict)
            }
        }
    }

    var response: Response {
        let body = (try? JSONSerialization.data(withJSONObject: ["error_code": code, "message": message], options: [.sortedKeys])) ?? Data()
        var headers: HTTPFields = [.contentType: "application/json"]
        if status == .unauthorized { headers[.wwwAuthenticate] = "Bearer" }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}

/// Answers every failure below it in MLflow's error shape (the native face keeps its own).
struct MLflowErrorMiddleware: RouterMiddleware {
    typealias Context = WharfRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            return MLflowError.noEndpoint(request).response
        } catch {
            guard let known = APIErrorMiddleware<Context>.classify(error) else {
                context.logger.error("unhandled MLflow API error: \(String(reflecting: error))")
                return MLflowError(WharfError(.internal, "internal error")).response
            }
            return MLflowError(known).response
        }
    }
}

/// Bearer-key authentication for the MLflow face: the same keys and open-loopback rule as `/v1`,
/// but MLflow's searches are POSTs that only read, so they need the read role.
struct MLflowAuthMiddleware: RouterMiddleware {
    typealias Context = WharfRequestContext
    let access: AccessPolicy

    static let readingPosts: [String] = [
        "/runs/search", "/experiments/search", "/logged-models/search", "/registered-models/get-latest-versions",
        "/registered-models/search", "/model-versions/search",
    ]

    static func roleNeeded(_ request: Request) -> Role {
        switch request.method {
        case .get, .head, .options: return .read
        case .post where readingPosts.contains(where: { request.uri.path.hasSuffix($0) }): return .read
        default: return .write
        }
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        let hint = "set MLFLOW_TRACKING_TOKEN to a Wharf key's secret"
        if let key = try await access.authenticate(request, needing: Self.roleNeeded(request), hint: hint) {
            context.principal = .key(key)
        }
        return try await next(request, context)
    }
}

/// MLflow's JSON: snake_case field names, NaN and infinities as strings (protobuf's JSON form).
enum MLflowJSON {
    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return encoder
    }

    /// A JSON object of the given fields (nil values left out).
    static func response(_ fields: [(String, (any Encodable)?)], status: HTTPResponse.Status = .ok) throws -> Response {
        let encoder = encoder()
        var body = Data("{".utf8)
        var first = true
        for (key, value) in fields {
            guard let value else { continue }
            if !first { body.append(contentsOf: Array(",".utf8)) }
            first = false
            body.append(try JSONEncoder().encode(key))
            body.append(contentsOf: Array(":".utf8))
            body.append(try encoder.encode(value))
        }
        body.append(contentsOf: Array("}".utf8))
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    static var empty: Response {
        Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: "{}")))
    }
}
