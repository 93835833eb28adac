import ArgumentParser
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import WharfObjectStore

/// `wharf env`: the export lines that send boto3, the AWS CLI and the SageMaker SDK to Wharf with a key.
struct EnvCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "env",
        abstract: "Print the AWS_* export lines that point every AWS SDK and the AWS CLI at Wharf.",
        discussion: """
            Use as: eval "$(wharf env)". boto3 1.28+ and the AWS CLI read AWS_ENDPOINT_URL for every service.
            With --sagemaker it also writes the SageMaker Python SDK's config file (a default bucket, telemetry
            off) and exports SAGEMAKER_USER_CONFIG_OVERRIDE: the SDK asks STS at a fixed AWS address for the
            account of its default bucket, which no endpoint variable overrides (docs/aws.md says more).
            """
    )

    @Option(help: "Server URL. [env: WHARF_URL] [default: http://127.0.0.1:8080]")
    var url: String?

    @Option(help: "The key's access key id (WK...). [env: WHARF_ACCESS_KEY_ID]")
    var accessKeyId: String?

    @Option(help: "The key's secret. [env: WHARF_API_KEY]")
    var apiKey: String?

    @Option(help: "Region the SDKs sign for. [env: WHARF_REGION] [default: us-east-1]")
    var region: String?

    @Flag(help: "Also write the SageMaker Python SDK config file and export SAGEMAKER_USER_CONFIG_OVERRIDE.")
    var sagemaker = false

    @Option(help: "Where --sagemaker writes the SDK config. [default: ~/.config/wharf/sagemaker.yaml]")
    var sagemakerConfig: String?

    @Option(help: "The SDK's default bucket for --sagemaker. [default: sagemaker-REGION-ACCOUNT, the SDK's own name]")
    var bucket: String?

    func run() async throws {
        do {
            print(try await lines().joined(separator: "\n"))
        } catch let failure as CommandFailure {
            FileHandle.standardError.write(Data("wharf env: \(failure.message)\n".utf8))
            throw ExitCode(failure.exitCode)
        }
    }

    func lines() async throws -> [String] {
        let base = Setting.resolve(url, env: "WHARF_URL", default: "http://127.0.0.1:8080")
        guard let parsed = URL(string: base), parsed.scheme == "http" || parsed.scheme == "https", parsed.host != nil else {
            throw CommandFailure(message: "--url / WHARF_URL must be an http(s) URL, got '\(base)'", exitCode: 64)
        }
        let endpoint = base.hasSuffix("/") ? String(base.dropLast()) : base
        guard let id = Setting.optional(accessKeyId, env: "WHARF_ACCESS_KEY_ID"), let secret = Setting.optional(apiKey, env: "WHARF_API_KEY") else {
            throw CommandFailure(message: "give the key as --access-key-id/--api-key or WHARF_ACCESS_KEY_ID/WHARF_API_KEY (wharf keys create prints both)", exitCode: 64)
        }
        let region = Setting.resolve(self.region, env: "WHARF_REGION", default: "us-east-1")
        var exports = [
            ("AWS_ENDPOINT_URL", endpoint), ("AWS_ACCESS_KEY_ID", id), ("AWS_SECRET_ACCESS_KEY", secret),
            ("AWS_DEFAULT_REGION", region), ("AWS_REGION", region),
        ]
        if sagemaker {
            let chosen: String
            if let bucket { chosen = bucket } else {
                chosen = "sagemaker-\(region)-\(try await Self.account(endpoint: endpoint, accessKeyId: id, secret: secret, region: region))"
            }
            let home = ProcessInfo.processInfo.environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? FileManager.default.homeDirectoryForCurrentUser.path
            let path = sagemakerConfig ?? URL(fileURLWithPath: home).appendingPathComponent(".config/wharf/sagemaker.yaml").path
            try Self.writeSageMakerConfig(bucket: chosen, to: path)
            exports.append(("SAGEMAKER_USER_CONFIG_OVERRIDE", path))
        }
        return exports.map { "export \($0.0)=\(Self.shellQuoted($0.1))" }
    }

    /// The SageMaker SDK's user config (schema: sagemaker/config/config_schema.py): default bucket, telemetry off.
    static func sageMakerConfig(bucket: String) -> String {
        """
        SchemaVersion: '1.0'
        SageMaker:
          PythonSDK:
            Modules:
              TelemetryOptOut: true
              Session:
                DefaultS3Bucket: \(bucket)

        """
    }

    static func writeSageMakerConfig(bucket: String, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(sageMakerConfig(bucket: bucket).utf8).write(to: url, options: .atomic)
        } catch {
            throw CommandFailure(message: "cannot write the SageMaker config to \(path): \(error.localizedDescription)", exitCode: 1)
        }
    }

    /// The installation's account, from STS GetCallerIdentity signed with the key.
    static func account(endpoint: String, accessKeyId: String, secret: String, region: String) async throws -> String {
        guard let host = URL(string: endpoint).flatMap({ url in url.host.map { url.port.map { p in "\(url.host!):\(p)" } ?? $0 } }) else {
            throw CommandFailure(message: "cannot read a host from \(endpoint)", exitCode: 64)
        }
        let body = Array("Action=GetCallerIdentity&Version=2011-06-15".utf8)
        var signable = SigV4Request(method: "POST", path: "/", headers: [("host", host), ("content-type", "application/x-www-form-urlencoded; charset=utf-8")])
        SigV4Signer(credentials: SigV4Credentials(accessKeyId: accessKeyId, secretAccessKey: secret), region: region, service: "sts")
            .sign(&signable, payloadHash: SigV4.sha256Hex(body))
        var request = HTTPClientRequest(url: endpoint + "/")
        request.method = .POST
        for (name, value) in signable.headers where name != "host" { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(bytes: body))
        let response: HTTPClientResponse
        do {
            response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        } catch {
            throw CommandFailure(message: "cannot reach the Wharf server at \(endpoint): \(error)", exitCode: 5)
        }
        let text = String(buffer: try await response.body.collect(upTo: 1 << 20))
        func element(_ name: String) -> String? {
            guard let start = text.range(of: "<\(name)>"), let end = text.range(of: "</\(name)>", range: start.upperBound..<text.endIndex) else { return nil }
            return String(text[start.upperBound..<end.lowerBound])
        }
        guard response.status == .ok, let account = element("Account") else {
            let reason = element("Message") ?? "HTTP \(response.status.code)"
            throw CommandFailure(message: "STS GetCallerIdentity failed: \(reason)", exitCode: CommandFailure.exitCode(forStatus: Int(response.status.code)))
        }
        return account
    }

    /// Single-quoted for POSIX shells.
    static func shellQuoted(_ value: String) -> String {
        "'" + value.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
