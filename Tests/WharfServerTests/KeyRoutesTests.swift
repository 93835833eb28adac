import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import WharfPlatform
@testable import WharfServer

@Suite struct KeyRoutesTests {
    @Test func anOpenLoopbackServerClosesOnceAKeyExists() async throws {
        let server = try await TestServer.make()
        try await server.test { client in
            try await client.execute(uri: "/v1/keys", method: .get) { #expect($0.status == .ok) }
            let secret = try await client.execute(uri: "/v1/keys", method: .post, body: jsonBody(#"{"name":"root","role":"admin"}"#)) { response in
                #expect(response.status == .created)
                return response.body.json["secret"] as? String ?? ""
            }
            #expect(secret.count == 40)
            try await client.execute(uri: "/v1/keys", method: .get) { response in
                #expect(response.status == .unauthorized)
                #expect(response.body.errorField == "Authorization")
            }
            try await client.execute(uri: "/v1/keys", method: .get, headers: bearer(secret)) { response in
                #expect(response.status == .ok)
                #expect((response.body.json["keys"] as? [Any])?.count == 1)
            }
            try await client.execute(uri: "/v1/keys", method: .get, headers: bearer("not-a-key")) { #expect($0.status == .unauthorized) }
        }
    }

    @Test func aServerOnAnotherAddressNeverRunsOpen() async throws {
        let server = try await TestServer.make(loopbackOnly: false)
        try await server.test { client in
            try await client.execute(uri: "/v1/keys", method: .get) { #expect($0.status == .unauthorized) }
        }
    }

    @Test func refusesToListenPubliclyWithoutKeys() async throws {
        let server = try await TestServer.make()
        await #expect(throws: WharfError.self) {
            _ = try await WharfApplication.application(platform: server.platform, host: "0.0.0.0", port: 0, logger: .init(label: "t"))
        }
        try await server.platform.close()
    }

    /// Every role against every kind of call: reads need read, writes need write, keys need admin.
    @Test func roleMatrix() async throws {
        let server = try await TestServer.make()
        let admin = try await server.platform.keys.create(name: "admin", role: .admin).secret
        let write = try await server.platform.keys.create(name: "write", role: .write).secret
        let read = try await server.platform.keys.create(name: "read", role: .read).secret
        let cases: [(secret: String, method: HTTPRequest.Method, uri: String, body: String?, allowed: Bool)] = [
            (admin, .get, "/v1/keys", nil, true),
            (admin, .post, "/v1/keys", #"{"name":"n","role":"read"}"#, true),
            (write, .get, "/v1/keys", nil, false),
            (write, .post, "/v1/keys", #"{"name":"n","role":"read"}"#, false),
            (read, .get, "/v1/keys", nil, false),
            (read, .post, "/v1/keys", #"{"name":"n","role":"read"}"#, false),
            (read, .delete, "/v1/keys/WKX", nil, false),
        ]
        try await server.test { client in
            for item in cases {
                try await client.execute(uri: item.uri, method: item.method, headers: bearer(item.secret), body: item.body.map(jsonBody)) { response in
                    if item.allowed {
                        #expect(response.status.code < 300, "\(item.method) \(item.uri)")
                    } else {
                        #expect(response.status == .forbidden, "\(item.method) \(item.uri)")
                        #expect(response.body.errorCode == "PermissionDenied")
                    }
                }
            }
        }
    }

    @Test func badInputGetsA4xxNamingTheField() async throws {
        let server = try await TestServer.make()
        try await server.test { client in
            try await client.execute(uri: "/v1/keys", method: .post, body: jsonBody("{not json")) { response in
                #expect(response.status == .badRequest)
                #expect(response.body.errorField == "body")
            }
            try await client.execute(uri: "/v1/keys", method: .post, body: jsonBody(#"{"role":"read"}"#)) { response in
                #expect(response.status == .badRequest)
                #expect(response.body.errorField == "name")
            }
            try await client.execute(uri: "/v1/keys", method: .post, body: jsonBody(#"{"name":"x","role":"root"}"#)) { response in
                #expect(response.status == .badRequest)
                #expect(response.body.errorField == "role")
            }
            try await client.execute(uri: "/v1/keys", method: .post, body: jsonBody(#"{"name":5,"role":"read"}"#)) { response in
                #expect(response.status == .badRequest)
                #expect(response.body.errorField == "name")
            }
            let huge = "{\"name\":\"" + String(repeating: "a", count: 9 * 1024 * 1024) + "\",\"role\":\"read\"}"
            try await client.execute(uri: "/v1/keys", method: .post, body: jsonBody(huge)) { response in
                #expect(response.status == .contentTooLarge)
            }
            try await client.execute(uri: "/v1/keys/WKNOPE", method: .get) { response in
                #expect(response.status == .notFound)
                #expect(response.body.errorCode == "NotFound")
            }
        }
    }
}
