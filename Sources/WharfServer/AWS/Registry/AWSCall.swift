import Foundation
import WharfObjectStore
import WharfPlatform

/// Who signed a request: the key whose role applies and, for temporary credentials, their session.
public struct AWSCaller: Sendable {
    /// Nil on a server running open (loopback, no keys yet), where every call is allowed.
    public let key: APIKey?
    /// The access key id the request was signed with (a temporary one for sessions).
    public let accessKeyId: String?
    public let session: SigningCredential.Session?

    public var role: Role { key?.role ?? .admin }

    public static let anonymous = AWSCaller(key: nil, accessKeyId: nil, session: nil)
}

/// What a handler gets besides its input: the caller, the platform, ARNs in this installation's
/// account and region, and the conventions every service shares (pages, ClientToken).
public struct AWSCall: Sendable {
    public let service: AWSService
    public let operation: String
    public let requestId: String
    public let caller: AWSCaller
    public let platform: Platform
    public let account: AWSAccount
    let conventions: AWSConventions
    /// The input as decoded from the wire, before it became the typed shape: pages and ClientToken
    /// records are bound to it.
    var inputValue: AWSValue = .null

    init(service: AWSService, operation: String, requestId: String, caller: AWSCaller, platform: Platform, conventions: AWSConventions) {
        self.service = service
        self.operation = operation
        self.requestId = requestId
        self.caller = caller
        self.platform = platform
        self.account = conventions.account
        self.conventions = conventions
    }

    public var region: String { account.region }

    /// `arn:aws:<service>:<region>:<account>:<resource>` for this service.
    public func arn(_ resource: String) async throws -> ARN {
        try await account.arn(service: service.arnNamespace, resource: resource)
    }

    /// Reads a listing's page request: the cursor a `NextToken` stands for (nil on the first page) and the
    /// page size. Tokens are opaque and bound to this operation and the request's other members, so one
    /// cannot be edited or carried over into another listing. `tokenMember` and `limitMember` are the wire
    /// names (`NextToken`/`MaxResults`, or `nextToken`/`maxResults`, or `Marker`/`MaxItems`).
    public func page(
        token: String?, tokenMember: String = "NextToken", limit: Int?, limitMember: String = "MaxResults",
        defaultLimit: Int, maximumLimit: Int
    ) throws -> AWSPage {
        if let limit, !(1...maximumLimit).contains(limit) {
            throw AWSError.invalid(limitMember, "Member must have value between 1 and \(maximumLimit)")
        }
        let listing = conventions.listingKey(service: service.signingName, operation: operation,
                                             input: inputValue.removing([tokenMember, limitMember]))
        var cursor: String?
        if let token, !token.isEmpty {
            guard let found = conventions.cursor(in: token, listing: listing) else {
                throw AWSError(.invalidNextToken, "Invalid \(tokenMember): the token was not issued for this listing")
            }
            cursor = found
        }
        return AWSPage(cursor: cursor, limit: limit ?? defaultLimit, listing: listing, conventions: conventions)
    }

    /// Runs `body` once per `ClientToken`: a retry with the same token and the same members returns the
    /// first call's output without running again; the same token with other members is refused with the
    /// service's IdempotentParameterMismatch. Without a token `body` simply runs.
    public func idempotent<Output: AWSShape>(clientToken: String?, _ body: () async throws -> Output) async throws -> Output {
        guard let clientToken, !clientToken.isEmpty else { return try await body() }
        let scope = "\(service.signingName):\(operation):\(caller.key?.accessKeyId ?? "-")"
        let fingerprint = SigV4.sha256Hex(AWSJSON.bytes(AWSJSON.canonical(inputValue)))
        let ledger = conventions.ledger
        switch try await ledger.reserve(scope: scope, token: clientToken, fingerprint: fingerprint) {
        case .replay(let stored):
            let value = try AWSJSON.parse(Array(stored.utf8))
            return try AWSValueDecoder().decode(Output.self, from: value)
        case .mismatch:
            throw AWSError(.idempotentParameterMismatch, "ClientToken '\(clientToken)' was already used for a request with different parameters")
        case .inProgress:
            throw AWSError(.idempotentRequestInProgress, "a request with ClientToken '\(clientToken)' is still being processed; retry")
        case .fresh:
            do {
                let output = try await body()
                let json = String(decoding: AWSJSON.bytes(try AWSValueEncoder().encode(output)), as: UTF8.self)
                try await ledger.complete(scope: scope, token: clientToken, response: json)
                return output
            } catch {
                try? await ledger.release(scope: scope, token: clientToken)
                throw error
            }
        }
    }
}

/// One page of a listing: where it starts and how many items it holds.
public struct AWSPage: Sendable {
    /// The position the previous page ended at, as the handler gave it to `nextToken(after:)`.
    public let cursor: String?
    public let limit: Int
    let listing: String
    let conventions: AWSConventions

    /// The token that resumes this listing after `cursor` (e.g. the last name on this page).
    public func nextToken(after cursor: String) -> String {
        conventions.token(for: cursor, listing: listing)
    }
}

/// Shared by every call: the installation's account, the page-token key, the ClientToken ledger.
struct AWSConventions: Sendable {
    let account: AWSAccount
    let pageTokens: PageTokens
    let ledger: ClientTokenLedger

    func listingKey(service: String, operation: String, input: AWSValue) -> String {
        "\(service):\(operation):" + String(decoding: AWSJSON.bytes(AWSJSON.canonical(input)), as: UTF8.self)
    }

    func token(for cursor: String, listing: String) -> String {
        pageTokens.token(for: cursor, listing: listing)
    }

    func cursor(in token: String, listing: String) -> String? {
        pageTokens.cursor(in: token, listing: listing)
    }
}

