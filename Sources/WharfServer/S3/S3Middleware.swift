import Foundation
import HTTPTypes
import Hummingbird
import NIOHTTP1
import Synchronization
import WharfObjectStore
import WharfPlatform

/// Serves the S3 REST API (path-style) on the same port as everything else: any path whose first
/// segment is not one of Wharf's own prefixes is an S3 call.
struct S3Middleware: RouterMiddleware {
    typealias Context = WharfRequestContext
    let authenticator: S3Authenticator
    let operations: S3Operations
    let metrics = S3Metrics()

    static let reservedPrefixes: Set<String> = ["v1", "healthz", "readyz", "metrics", "api", "ajax-api"]
    private static let counter = Atomic<UInt64>(0)

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let s3 = S3Request(request)
        if let bucket = s3.bucket, Self.reservedPrefixes.contains(bucket) {
            return try await next(request, context)
        }
        context.coreContext.endpointPath.value = "s3:\(s3.operation)"
        let start = ContinuousClock.now
        let response = await respond(request, s3: s3, context: context)
        let elapsed = ContinuousClock.now - start
        metrics.record(
            operation: s3.operation, method: s3.method, status: response.status,
            nanoseconds: UInt64(elapsed.components.seconds) * 1_000_000_000 + UInt64(elapsed.components.attoseconds / 1_000_000_000)
        )
        return response
    }

    private func respond(_ request: Request, s3: S3Request, context: Context) async -> Response {
        let number = String(Self.counter.add(1, ordering: .relaxed).newValue, radix: 16, uppercase: true)
        let requestId = String(repeating: "0", count: max(0, 16 - number.count)) + number
        do {
            let caller = try await authenticator.authenticate(s3)
            // Nothing is read or written for a request the support table does not serve.
            if case .refused(let error)? = s3.resolution { throw error }
            var response = try await operations.perform(request, s3: s3, caller: caller, authenticator: authenticator)
            response.headers[S3Headers.requestId] = requestId
            return response
        } catch let error as S3Error {
            return error.response(resource: s3.rawPath, method: s3.method, requestId: requestId)
        } catch let error as ObjectStoreError {
            return S3Error(error).response(resource: s3.rawPath, method: s3.method, requestId: requestId)
        } catch let error as SigV4Error {
            return S3Error(error).response(resource: s3.rawPath, method: s3.method, requestId: requestId)
        } catch let error as HTTPParserError {
            return S3Error(status: 400, code: BrokenRequest.s3Code(error), message: BrokenRequest.describe(error).message)
                .response(resource: s3.rawPath, method: s3.method, requestId: requestId)
        } catch let error as WharfError {
            let status = error.kind == .unavailable ? 503 : 500
            return S3Error(status: status, code: status == 503 ? "ServiceUnavailable" : "InternalError", message: error.message)
                .response(resource: s3.rawPath, method: s3.method, requestId: requestId)
        } catch {
            context.logger.error("S3 \(s3.operation) failed: \(String(reflecting: error))")
            return S3Error(status: 500, code: "InternalError", message: "internal error")
                .response(resource: s3.rawPath, method: s3.method, requestId: requestId)
        }
    }
}
