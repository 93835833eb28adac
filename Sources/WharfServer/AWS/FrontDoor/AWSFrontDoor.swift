import Foundation
import HTTPTypes
import Hummingbird
import NIOHTTP1
import Synchronization
import WharfObjectStore
import WharfPlatform

/// The one front door of the AWS APIs: a request whose SigV4 credential scope names a service other
/// than `s3` is routed by that signing name to a service face and its protocol. Everything else
/// (unsigned, S3-signed, presigned S3) goes on to the S3 face unchanged.
struct AWSFrontDoor: RouterMiddleware {
    typealias Context = WharfRequestContext
    let registry: AWSOperationRegistry
    let authenticator: AWSAuthenticator
    let platform: Platform
    let conventions: AWSConventions

    init(platform: Platform, access: AccessPolicy, registry: AWSOperationRegistry? = nil, account: AWSAccount? = nil) {
        self.platform = platform
        self.registry = registry ?? .standard()
        self.authenticator = AWSAuthenticator(keys: platform.keys, access: access)
        self.conventions = AWSConventions(
            account: account ?? AWSAccount(store: platform.metadata), pageTokens: platform.keys.pageTokens(),
            ledger: ClientTokenLedger(store: platform.metadata))
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let signingName = Self.signingName(request), signingName != "s3" else { return try await next(request, context) }
        return await serve(request, signingName: signingName, context: context)
    }

    /// The service of a SigV4 credential scope (`KEY/DATE/REGION/SERVICE/aws4_request`), from the
    /// Authorization header or a presigned query; nil for anything that is not SigV4.
    static func signingName(_ request: Request) -> String? {
        if let authorization = request.headers[.authorization] {
            guard authorization.hasPrefix(SigV4.algorithm) else { return nil }
            // `AWS4-HMAC-SHA256 Credential=KEY/DATE/REGION/SERVICE/aws4_request, ...`: the fourth slash-separated part.
            let bytes = authorization.utf8
            guard let equals = bytes.firstIndex(of: UInt8(ascii: "=")),
                let name = authorization.index(equals, offsetBy: -10, limitedBy: authorization.startIndex),
                authorization[name..<equals] == "Credential"
            else { return nil }
            let scope = authorization[authorization.index(after: equals)...].prefix { $0 != "," && $0 != " " }
            return service(ofScope: scope)
        }
        guard let target = request.head.path, let question = target.firstIndex(of: "?"), target.contains("X-Amz-Credential=") else { return nil }
        let query = String(target[target.index(after: question)...])
        guard let credential = SigV4.queryItems(query).first(where: { $0.name == "X-Amz-Credential" })?.value else { return nil }
        return service(ofScope: Substring(credential))
    }

    static func service(ofScope scope: Substring) -> String? {
        let parts = scope.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 5, !parts[3].isEmpty else { return nil }
        return String(parts[3])
    }

    private func serve(_ request: Request, signingName: String, context: Context) async -> Response {
        let requestId = AWSRequestID.next()
        let faces = registry.faces(signingName: signingName)
        var service = faces.first ?? AWSOperationRegistry.unknownService(signingName, request: AWSWireRequest(request, body: []))
        var operationName = "-"
        do {
            // The largest body read is the server's body limit (SageMaker and Lambda cap payloads at 6 MB).
            let bodyLimit = context.maxUploadSize
            let body: [UInt8]
            do {
                let buffer = try await request.body.collect(upTo: bodyLimit)
                body = Array(buffer.readableBytesView)
            } catch let error as HTTPError where error.status == .contentTooLarge {
                throw AWSError(.requestTooLarge, "the request body is larger than \(bodyLimit) bytes")
            }
            let wire = AWSWireRequest(request, body: body)
            if let face = AWSOperationRegistry.face(for: wire, among: faces) { service = face }
            let caller = try await authenticator.authenticate(wire, signingName: signingName)
            guard !faces.isEmpty else {
                throw AWSError(.unknownOperation, "Wharf does not serve the AWS service '\(signingName)' (docs/aws.md lists what it serves)")
            }
            let (operation, input) = try service.protocol.wire.operation(of: wire, in: service)
            operationName = operation.name
            context.coreContext.endpointPath.value = "aws:\(signingName):\(operation.name)"
            guard operation.access.allows(caller.role) else {
                throw AWSError(.accessDenied, try await deniedMessage(caller: caller, service: service, operation: operation))
            }
            let call = AWSCall(service: service, operation: operation.name, requestId: requestId, caller: caller, platform: platform, conventions: conventions)
            let output = try await operation.run(input, service.protocol.decodesScalarsFromStrings || service.protocol == .restJson1, call)
            return service.protocol.wire.response(output, operation: operation, service: service, requestId: requestId)
        } catch {
            let (name, message) = Self.describe(error, service: service)
            if name.status >= 500 {
                context.logger.error("AWS \(signingName):\(operationName) failed: \(String(reflecting: error))")
            }
            return service.protocol.wire.errorResponse(name, message: message, service: service, requestId: requestId)
        }
    }

    private func deniedMessage(caller: AWSCaller, service: AWSService, operation: AWSOperation) async throws -> String {
        let who = try await STSFace.callerARN(caller, account: conventions.account)
        let needed = operation.access.rawValue
        return "User: \(who) is not authorized to perform: \(service.signingName):\(operation.name) (the key's role is '\(caller.role.rawValue)'; this action needs '\(needed)')"
    }

    /// Any error as the service's protocol names it; nothing a client sends becomes a 5xx.
    static func describe(_ error: any Error, service: AWSService) -> (AWSErrorName, String) {
        switch error {
        case let error as AWSError:
            switch error.code {
            case .service(let code, let status): return (AWSErrorName(code, status), error.message)
            case .common(let common): return (service.name(of: common), error.message)
            }
        case let error as AWSShapeError:
            return describe(AWSError(error), service: service)
        case let error as SigV4Error:
            return describe(AWSAuthenticator.error(error), service: service)
        case let error as WharfError:
            let common: AWSCommonError
            switch error.kind {
            case .invalidArgument:
                let member = error.field.map { " at '\($0)'" } ?? ""
                return (service.name(of: .invalidValue), "1 validation error detected: Value\(member) failed to satisfy constraint: \(error.message)")
            case .notFound: return (AWSErrorName("ResourceNotFoundException", 400), error.message)
            case .conflict: return (AWSErrorName("ConflictException", 409), error.message)
            case .permissionDenied: common = .accessDenied
            case .unauthenticated: common = .unrecognizedClient
            case .payloadTooLarge: common = .requestTooLarge
            case .unavailable: common = .serviceUnavailable
            case .internal: common = .internalFailure
            }
            return (service.name(of: common), error.message)
        case let error as HTTPParserError:
            return (service.name(of: .malformedBody), BrokenRequest.describe(error).message)
        default:
            return (service.name(of: .internalFailure), "internal error")
        }
    }
}

/// `x-amzn-RequestId` values: UUID-shaped, a random per-process prefix and a counter.
enum AWSRequestID {
    private static let counter = Atomic<UInt64>(0)
    private static let prefix: String = {
        let bits = UInt64.random(in: 0...UInt64.max)
        let hex = String(bits, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }()

    static func next() -> String {
        let n = counter.add(1, ordering: .relaxed).newValue
        let hex = String(n, radix: 16)
        let tail = String(repeating: "0", count: max(0, 16 - hex.count)) + hex
        let p = prefix.utf8
        let t = tail.utf8
        func part(_ view: String.UTF8View, _ from: Int, _ count: Int) -> Substring {
            let s = view.index(view.startIndex, offsetBy: from)
            return Substring(view[s..<view.index(s, offsetBy: count)])
        }
        return "\(part(p, 0, 8))-\(part(p, 8, 4))-\(part(p, 12, 4))-\(part(t, 0, 4))-\(part(t, 4, 12))"
    }
}
