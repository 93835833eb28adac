import Foundation
import Testing
@testable import WharfPlatform

/// Ids that servers sharing one database hand out: several stores (each its own connection pool, as
/// separate server processes have) create experiments, runs and versions of one model at the same moment.
@Suite struct TrackingConcurrentIdsTests {
    /// PostgreSQL gets several pools, as several servers would have. SQLite gets one store with many
    /// connections: its writers in separate processes queue on the file lock, but stores sharing one process's
    /// thread pool would block each other's threads in that wait.
    static func stores(_ backend: TestBackend) -> Int { backend == .postgres ? 4 : 1 }
    static let creators = 32

    /// Runs `body` with `count` stores open on one fresh database, closing them whatever happens.
    func withStores(_ backend: TestBackend, count: Int, _ body: ([MetadataStore]) async throws -> Void) async throws {
        let url = try await backend.location()
        var stores: [MetadataStore] = []
        do {
            for _ in 0..<count { stores.append(try await MetadataStore.open(url: url)) }
            try await body(stores)
        } catch {
            for store in stores { try? await store.close() }
            throw error
        }
        for store in stores { try await store.close() }
    }

    @Test(arguments: TestBackend.enabled)
    func concurrentCreatorsNeverShareAnId(_ backend: TestBackend) async throws {
        try await withStores(backend, count: Self.stores(backend)) { stores in
        _ = try await RegistryService(store: stores[0]).createRegisteredModel(name: "shared")

        let results = try await withThrowingTaskGroup(of: (String, String, String, Bool).self) { group in
            for (s, store) in stores.enumerated() {
                for c in 0..<(Self.creators / stores.count) {
                    group.addTask {
                        let tracking = TrackingService(store: store)
                        let registry = RegistryService(store: store)
                        let experiment = try await tracking.createExperiment(name: "e-\(s)-\(c)")
                        let run = try await tracking.createRun(experimentId: experiment)
                        let version = try await registry.createModelVersion(name: "shared", source: "runs:/\(run.info.runId)/model", runId: run.info.runId)
                        // Everyone also tries one name: exactly one creator may win it.
                        var won = false
                        do {
                            _ = try await registry.createRegisteredModel(name: "contested")
                            won = true
                        } catch let error as WharfError where error.kind == .conflict && error.reason == .alreadyExists {}
                        return (experiment, run.info.runId, version.version, won)
                    }
                }
            }
            var all: [(String, String, String, Bool)] = []
            for try await result in group { all.append(result) }
            return all
        }
        let count = Self.creators
        #expect(Set(results.map(\.0)).count == count)
        #expect(Set(results.map(\.1)).count == count)
        #expect(results.map { Int($0.2)! }.sorted() == Array(1...count))
        #expect(results.filter(\.3).count == 1)
        let tracking = TrackingService(store: stores[0])
        let listed = try await tracking.searchExperiments(filter: "name LIKE 'e-%'", maxResults: 1000)
        #expect(listed.items.count == count)
        // A version number is never reused, even after the newest version is deleted (as in MLflow).
        let registry = RegistryService(store: stores[stores.count - 1])
        try await registry.deleteModelVersion(name: "shared", version: String(count))
        let next = try await registry.createModelVersion(name: "shared", source: "s3://bucket/model", runId: nil)
        #expect(next.version == String(count + 1))
        }
    }

    @Test(arguments: TestBackend.enabled)
    func duplicateNamesAreAlreadyExistsByReasonNotMessage(_ backend: TestBackend) async throws {
        try await withStores(backend, count: 1) { stores in
        let store = stores[0]
        let tracking = TrackingService(store: store)
        let registry = RegistryService(store: store)
        _ = try await tracking.createExperiment(name: "leads")
        await #expect { _ = try await tracking.createExperiment(name: "leads") } throws: { ($0 as? WharfError)?.reason == .alreadyExists }
        let other = try await tracking.createExperiment(name: "other")
        await #expect { try await tracking.renameExperiment(other, to: "leads") } throws: { ($0 as? WharfError)?.reason == .alreadyExists }
        let run = try await tracking.createRun(experimentId: other)
        try await tracking.logParam(runId: run.info.runId, Param(key: "lr", value: "0.1"))
        await #expect { try await tracking.logParam(runId: run.info.runId, Param(key: "lr", value: "0.2")) } throws: {
            ($0 as? WharfError)?.reason == .immutable && ($0 as? WharfError)?.kind == .conflict
        }
        _ = try await registry.createRegisteredModel(name: "m")
        _ = try await registry.createRegisteredModel(name: "n")
        await #expect { _ = try await registry.renameRegisteredModel("n", to: "m") } throws: { ($0 as? WharfError)?.reason == .alreadyExists }
        // A conflict of another kind carries no reason: the alias guard.
        let version = try await registry.createModelVersion(name: "m", source: "s3://b/m", runId: nil)
        try await registry.setAlias(name: "m", alias: "champion", version: version.version)
        await #expect { try await registry.deleteModelVersion(name: "m", version: version.version) } throws: {
            ($0 as? WharfError)?.kind == .conflict && ($0 as? WharfError)?.reason == nil
        }
        }
    }

    @Test func artifactPathsTheStoreRefusesAreInvalidArguments() throws {
        for bad in [String(repeating: "a", count: 1025), "tab\there.txt", "bell\u{7}.txt", "del\u{7F}.txt", "c1\u{85}.txt"] {
            #expect { _ = try ArtifactRepository.validate(path: bad, field: "path") } throws: { error in
                guard let error = error as? WharfError else { return false }
                return error.kind == .invalidArgument && error.field == "path"
            }
        }
        #expect(try ArtifactRepository.validate(path: String(repeating: "a", count: 1024)) == String(repeating: "a", count: 1024))
        #expect(try ArtifactRepository.validate(path: "1/run/artifacts/résumé.txt") == "1/run/artifacts/résumé.txt")
    }

    @Test func relativeArtifactLocationsResolveAsMLflowDoes() throws {
        let cwd = FileManager.default.currentDirectoryPath
        #expect(try TrackingService.resolve(artifactLocation: "rel/dir") == URL(fileURLWithPath: cwd).appendingPathComponent("rel/dir").standardizedFileURL.path)
        #expect(try TrackingService.resolve(artifactLocation: "file:rel") == "file://" + URL(fileURLWithPath: cwd).appendingPathComponent("rel").standardizedFileURL.path)
        #expect(try TrackingService.resolve(artifactLocation: "/abs/dir") == "/abs/dir")
        #expect(try TrackingService.resolve(artifactLocation: "s3://bucket/prefix") == "s3://bucket/prefix")
        #expect(try TrackingService.resolve(artifactLocation: "mlflow-artifacts:/x") == "mlflow-artifacts:/x")
        #expect(throws: WharfError.self) { try TrackingService.resolve(artifactLocation: "runs:/abc/model") }
        #expect(throws: WharfError.self) { try TrackingService.resolve(artifactLocation: "s3://bucket/x#frag") }
    }
}
