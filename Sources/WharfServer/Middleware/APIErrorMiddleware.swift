import Foundation
import Hummingbird
import NIOHTTP1
import WharfPlatform

/// The native API's error body: `{"error": {"code", "message", "field"}}`.
struct APIErrorBody: Encodable {
    struct Detail: Encodable {
        let code: String
        let message: String
        let field: String?
    }
    let error: Detail
}

/// A WharfError on its way out of the HTTP layer with the status its kind maps to.
struct APIError: HTTPResponseError {
    let error: WharfError

    var status: HTTPResponse.Status {
        switch error.kind {
        case .invalidArgument: .badRequest
        case .unauthenticated: .unauthorized
        case .permissionDenied: .forbidden
        case .notFound: .notFound
        case .conflict: .conflict
        case .payloadTooLarge: .contentTooLarge
        case .unavailable: .serviceUnavailable
        case .internal: .internalServerError
        }
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        let body = APIErrorBody(error: .init(code: error.code, message: error.message, field: error.field))
        let data = try JSONEncoder().encode(body)
        var headers: HTTPFields = [.contentType: "application/json"]
        if status == .unauthorized { headers[.wwwAuthenticate] = "Bearer" }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// Turns every error thrown below it into the native JSON error shape with a 4xx/5xx status,
/// so bad input is never answered with an empty 500.
struct APIErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            throw error
        } catch {
            guard let known = Self.classify(error, bodyLimit: context.maxUploadSize) else {
                context.logger.error("unhandled error: \(String(reflecting: error))")
                throw APIError(error: WharfError(.internal, "internal error"))
            }
            throw APIError(error: known)
        }
    }

    /// The WharfError an error thrown by a handler stands for, or nil for one nobody expected (a bug:
    /// logged and answered with 500). Shared by the native and the MLflow faces.
    static func classify(_ error: any Error, bodyLimit: Int? = nil) -> WharfError? {
        switch error {
        case let error as WharfError:
            return error
        case let error as DecodingError:
            return describe(error)
        case let error as HTTPParserError:
            return BrokenRequest.describe(error)
        case let error as HTTPError:
            if error.status == .contentTooLarge {
                let limit = bodyLimit.map { "the limit of \($0) bytes" } ?? "the server's limit (--max-body-bytes)"
                return WharfError(.payloadTooLarge, "the request body is larger than \(limit)")
            }
            let kind: WharfError.Kind = switch error.status.code {
            case 401: .unauthenticated
            case 403: .permissionDenied
            case 404: .notFound
            case 409: .conflict
            case 413: .payloadTooLarge
            case 400..<500: .invalidArgument
            default: .internal
            }
            return WharfError(kind, error.body ?? error.status.reasonPhrase)
        default:
            return nil
        }
    }

    static func describe(_ error: DecodingError) -> WharfError {
        func path(_ codingPath: [any CodingKey]) -> String? {
            let text = codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
            return text.isEmpty ? nil : text
        }
        switch error {
        case .keyNotFound(let key, let context):
            let field = path(context.codingPath + [key]) ?? key.stringValue
            return .invalid(field, "missing required field '\(field)'")
        case .typeMismatch(let type, let context):
            let field = path(context.codingPath) ?? "body"
            return .invalid(field, "field '\(field)' has the wrong type: expected \(type)")
        case .valueNotFound(let type, let context):
            let field = path(context.codingPath) ?? "body"
            return .invalid(field, "field '\(field)' must not be null: expected \(type)")
        case .dataCorrupted(let context):
            let field = path(context.codingPath) ?? "body"
            return .invalid(field, field == "body" ? "the body is not valid JSON" : "field '\(field)' is invalid: \(context.debugDescription)")
        @unknown default:
            return .invalid("body", "the body could not be decoded")
        }
    }
}
