import ArgumentParser
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Connection settings every client command shares.
struct ClientOptions: ParsableArguments {
    @Option(help: "Server URL. [env: WHARF_URL] [default: http://127.0.0.1:8080]")
    var url: String?

    @Option(help: "API key secret. [env: WHARF_API_KEY]")
    var apiKey: String?

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    func client() throws -> WharfClient {
        let base = Setting.resolve(url, env: "WHARF_URL", default: "http://127.0.0.1:8080")
        guard let parsed = URL(string: base), parsed.scheme == "http" || parsed.scheme == "https", parsed.host != nil else {
            throw ValidationError("--url / WHARF_URL must be an http(s) URL, got '\(base)'")
        }
        return WharfClient(baseURL: base.hasSuffix("/") ? String(base.dropLast()) : base, apiKey: Setting.optional(apiKey, env: "WHARF_API_KEY"))
    }
}

/// A failure a client command reports on one stderr line with a distinct exit code.
struct CommandFailure: Error, CustomStringConvertible {
    let message: String
    let exitCode: Int32

    var description: String { message }

    static func from(status: Int, body: Data) -> CommandFailure {
        var message = "HTTP \(status)"
        if let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any],
           let error = object["error"] as? [String: Any], let text = error["message"] as? String {
            message = text
            if let field = error["field"] as? String { message += " (field: \(field))" }
        } else if let text = String(data: body, encoding: .utf8), !text.isEmpty {
            message += ": " + text.prefix(300)
        }
        return CommandFailure(message: message, exitCode: exitCode(forStatus: status))
    }

    /// The documented exit code for an HTTP error status: 3 not found, 4 auth, 5 server, 1 otherwise.
    static func exitCode(forStatus status: Int) -> Int32 {
        switch status {
        case 404: 3
        case 401, 403: 4
        case 500...: 5
        default: 1
        }
    }
}

/// A small HTTP client of the native API.
struct WharfClient {
    let baseURL: String
    let apiKey: String?

    func send(_ method: HTTPMethod, _ path: String, json body: (any Encodable)? = nil) async throws -> Data {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        if let apiKey { request.headers.add(name: "Authorization", value: "Bearer \(apiKey)") }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: try JSONEncoder().encode(body)))
        }
        let response: HTTPClientResponse
        do {
            response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
        } catch {
            throw CommandFailure(message: "cannot reach the Wharf server at \(baseURL): \(error)", exitCode: 5)
        }
        let buffer = try await response.body.collect(upTo: 64 * 1024 * 1024)
        let data = Data(buffer: buffer)
        guard (200..<300).contains(Int(response.status.code)) else {
            throw CommandFailure.from(status: Int(response.status.code), body: data)
        }
        return data
    }

    func get<T: Decodable>(_ path: String, as type: T.Type) async throws -> T {
        try JSONDecoder().decode(T.self, from: try await send(.GET, path))
    }
}

/// Runs a command body and turns failures into one stderr line and the documented exit code.
func runReportingFailures(_ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let failure as CommandFailure {
        FileHandle.standardError.write(Data("error: \(failure.message)\n".utf8))
        throw ExitCode(failure.exitCode)
    } catch let error where !(error is ValidationError) && !(error is ExitCode) {
        FileHandle.standardError.write(Data("error: \(error)\n".utf8))
        throw ExitCode(1)
    }
}
