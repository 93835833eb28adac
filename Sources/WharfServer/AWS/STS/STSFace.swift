import Foundation
import WharfPlatform

/// AWS Security Token Service on awsQuery: who a key is (GetCallerIdentity, which the SageMaker SDK
/// asks for the account) and temporary credentials (AssumeRole, GetSessionToken) that act with the
/// calling key's role until they expire. Role ARNs are recorded, not enforced: Wharf's keys are the
/// access control.
enum STSFace {
    static func service() -> AWSService {
        var sts = AWSService(
            signingName: "sts", title: "AWS Security Token Service", apiVersion: "2011-06-15",
            protocol: .awsQuery(xmlNamespace: "https://sts.amazonaws.com/doc/2011-06-15/"))
        sts.operation("GetCallerIdentity", access: .anyKey, documentation: "the account, an ARN naming the key, the key's id") {
            (_: AWSEmpty, call) -> GetCallerIdentityResponse in
            GetCallerIdentityResponse(
                UserId: try await userId(call.caller, account: call.account),
                Account: try await call.account.id(),
                Arn: try await callerARN(call.caller, account: call.account))
        }
        sts.operation("GetSessionToken", access: .read, documentation: "temporary credentials acting as the calling key (default 12 hours)") {
            (input: GetSessionTokenRequest, call) -> GetSessionTokenResponse in
            guard let key = call.caller.key else { throw noKey }
            guard call.caller.session == nil else {
                throw AWSError(.accessDenied, "Cannot call GetSessionToken with session credentials")
            }
            let issued = try await call.platform.keys.issueTemporaryCredentials(for: key, durationSeconds: input.DurationSeconds ?? 43_200)
            return GetSessionTokenResponse(Credentials: Credentials(issued))
        }
        sts.operation("AssumeRole", access: .write, documentation: "temporary credentials acting as the calling key; RoleArn is recorded, not enforced") {
            (input: AssumeRoleRequest, call) -> AssumeRoleResponse in
            guard let key = call.caller.key else { throw noKey }
            guard let role = ARN(parsing: input.RoleArn), role.resource.hasPrefix("role/") else {
                throw AWSError.invalid("roleArn", "'\(input.RoleArn)' is not a role ARN (arn:aws:iam::ACCOUNT:role/NAME)")
            }
            let session = input.RoleSessionName
            guard (2...64).contains(session.count), session.unicodeScalars.allSatisfy({ CharacterSet.alphanumerics.contains($0) || "_+=,.@-".unicodeScalars.contains($0) })
            else {
                throw AWSError.invalid("roleSessionName", "Member must satisfy regular expression pattern: [\\w+=,.@-]* and have length between 2 and 64")
            }
            let duration = input.DurationSeconds ?? 3600
            guard (900...43_200).contains(duration) else {
                throw AWSError.invalid("durationSeconds", "Member must have value between 900 and 43200")
            }
            let issued = try await call.platform.keys.issueTemporaryCredentials(
                for: key, durationSeconds: duration, sessionName: session, roleArn: role.description)
            let roleName = role.resource.split(separator: "/").last.map(String.init) ?? role.resource
            let arn = ARN(service: "sts", region: "", account: try await call.account.id(), resource: "assumed-role/\(roleName)/\(session)")
            return AssumeRoleResponse(
                Credentials: Credentials(issued),
                AssumedRoleUser: AssumedRoleUser(AssumedRoleId: "\(key.accessKeyId):\(session)", Arn: arn.description))
        }
        return sts
    }

    static let noKey = AWSError(.accessDenied, "temporary credentials are issued from a key; this server runs open without keys")

    /// The ARN naming a caller: its key as an IAM user, an assumed role's session, or the account root
    /// on a server running open.
    static func callerARN(_ caller: AWSCaller, account: AWSAccount) async throws -> String {
        let id = try await account.id()
        guard let key = caller.key else { return "arn:aws:iam::\(id):root" }
        if let session = caller.session, let roleArn = session.roleArn.flatMap(ARN.init(parsing:)), let name = session.sessionName {
            let roleName = roleArn.resource.split(separator: "/").last.map(String.init) ?? roleArn.resource
            return "arn:aws:sts::\(id):assumed-role/\(roleName)/\(name)"
        }
        return "arn:aws:iam::\(id):user/\(key.accessKeyId)"
    }

    static func userId(_ caller: AWSCaller, account: AWSAccount) async throws -> String {
        guard let key = caller.key else { return try await account.id() }
        if let name = caller.session?.sessionName { return "\(key.accessKeyId):\(name)" }
        return key.accessKeyId
    }
}

struct GetCallerIdentityResponse: AWSShape {
    var UserId: String
    var Account: String
    var Arn: String
}

struct GetSessionTokenRequest: AWSShape {
    var DurationSeconds: Int?
    var SerialNumber: String?
    var TokenCode: String?
}

struct Credentials: AWSShape {
    var AccessKeyId: String
    var SecretAccessKey: String
    var SessionToken: String
    var Expiration: Date

    init(_ issued: TemporaryCredentials) {
        AccessKeyId = issued.accessKeyId
        SecretAccessKey = issued.secretAccessKey
        SessionToken = issued.sessionToken
        Expiration = Date(timeIntervalSince1970: TimeInterval(issued.expiresAt) / 1000)
    }
}

struct GetSessionTokenResponse: AWSShape {
    var Credentials: Credentials
}

struct STSTag: AWSShape {
    var Key: String
    var Value: String
}

struct AssumeRoleRequest: AWSShape {
    var RoleArn: String
    var RoleSessionName: String
    var DurationSeconds: Int?
    var Policy: String?
    var ExternalId: String?
    var Tags: [STSTag]?
}

struct AssumedRoleUser: AWSShape {
    var AssumedRoleId: String
    var Arn: String
}

struct AssumeRoleResponse: AWSShape {
    var Credentials: Credentials
    var AssumedRoleUser: AssumedRoleUser
}
