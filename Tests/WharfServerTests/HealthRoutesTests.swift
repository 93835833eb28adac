import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
@testable import WharfServer

@Suite struct HealthRoutesTests {
    @Test func healthAndReadinessAnswer() async throws {
        let server = try await TestServer.make()
        try await server.test { client in
            try await client.execute(uri: "/healthz", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.body.json["status"] as? String == "ok")
            }
            try await client.execute(uri: "/readyz", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.body.json["ready"] as? Bool == true)
                #expect(response.body.json["database"] as? String == "sqlite")
            }
        }
    }

    @Test func metricsCountRequestsPerRouteAndStatus() async throws {
        let server = try await TestServer.make()
        try await server.test { client in
            try await client.execute(uri: "/healthz", method: .get) { _ in }
            try await client.execute(uri: "/v1/keys/WKMISSING", method: .get) { #expect($0.status == .notFound) }
            try await client.execute(uri: "/metrics", method: .get) { response in
                let text = String(buffer: response.body)
                #expect(response.status == .ok)
                #expect(text.contains("hb_requests"))
                #expect(text.contains("/healthz"))
                #expect(text.contains("404"))
            }
        }
    }
}
