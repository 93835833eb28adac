import Foundation
import Testing
@testable import WharfServer

/// docs/openapi.yaml and the router must describe the same routes.
@Suite struct OpenAPIDocumentTests {
    /// "METHOD /path/{param}" for every operation in the document.
    static func documentedRoutes() throws -> Set<String> {
        var folder = URL(fileURLWithPath: #filePath)
        while !FileManager.default.fileExists(atPath: folder.appendingPathComponent("Package.swift").path) {
            folder.deleteLastPathComponent()
        }
        let text = try String(contentsOf: folder.appendingPathComponent("docs/openapi.yaml"), encoding: .utf8)
        var routes: Set<String> = []
        var inPaths = false
        var path: String?
        let methods: Set<String> = ["get", "put", "post", "delete", "patch", "head"]
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line == "paths:" { inPaths = true; continue }
            guard inPaths else { continue }
            if line.hasPrefix("  /") && line.hasSuffix(":") {
                path = String(line.dropFirst(2).dropLast())
            } else if line.hasPrefix("    ") && !line.hasPrefix("     "), let path {
                let key = line.trimmingCharacters(in: .whitespaces).dropLast()
                if methods.contains(String(key)) { routes.insert("\(key.uppercased()) \(path)") }
            }
        }
        return routes
    }

    @Test func everyRouteIsDocumentedAndEveryDocumentedRouteExists() async throws {
        let server = try await TestServer.make()
        let router = WharfApplication.router(platform: server.platform, loopbackOnly: true)
        let served = Set(router.routes.map { route -> String in
            let path = route.path.description.split(separator: "/").map { segment in
                segment.hasPrefix(":") ? "{\(segment.dropFirst())}" : String(segment)
            }.joined(separator: "/")
            return "\(route.method.rawValue) /\(path)"
        })
        let documented = try Self.documentedRoutes()
        #expect(documented.count >= 6)
        #expect(served.subtracting(documented).isEmpty, "routes missing from docs/openapi.yaml: \(served.subtracting(documented).sorted())")
        #expect(documented.subtracting(served).isEmpty, "documented routes the router lacks: \(documented.subtracting(served).sorted())")
        try await server.platform.close()
    }
}
