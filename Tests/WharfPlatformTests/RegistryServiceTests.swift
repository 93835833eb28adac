import Foundation
import Testing
@testable import WharfPlatform

/// The registry suite, run against every enabled metadata backend.
@Suite struct RegistryServiceTests {
    func withServices(_ backend: TestBackend, _ body: (TrackingService, RegistryService) async throws -> Void) async throws {
        let store = try await backend.open()
        do {
            try await body(TrackingService(store: store), RegistryService(store: store))
        } catch {
            try? await store.close()
            throw error
        }
        try await store.close()
    }

    @Test(arguments: TestBackend.enabled)
    func versionsAliasesAndStages(_ backend: TestBackend) async throws {
        try await withServices(backend) { tracking, registry in
            let exp = try await tracking.createExperiment(name: "e")
            let run = try await tracking.createRun(experimentId: exp)
            try await tracking.logInputs(runId: run.info.runId, datasets: [DatasetInput(tags: [], dataset: Dataset(name: "leads", digest: "d1", sourceType: "local", source: "x"))])
            let model = try await registry.createRegisteredModel(name: "lead-scorer", description: "scores leads", tags: [Tag(key: "owner", value: "growth")])
            #expect(model.latestVersions.isEmpty)
            await #expect(throws: WharfError.self) { _ = try await registry.createRegisteredModel(name: "lead-scorer") }

            let v1 = try await registry.createModelVersion(name: "lead-scorer", source: "runs:/\(run.info.runId)/model", runId: run.info.runId)
            let v2 = try await registry.createModelVersion(name: "lead-scorer", source: "runs:/\(run.info.runId)/model2", runId: run.info.runId)
            #expect(v1.version == "1")
            #expect(v2.version == "2")
            #expect(v1.storageLocation == run.info.artifactUri + "/model")
            #expect(try await registry.lineage(name: "lead-scorer", version: "1").datasets.map(\.digest) == ["d1"])
            let logged = try await tracking.createLoggedModel(experimentId: exp, name: "model", sourceRunId: run.info.runId, modelType: nil)
            _ = try await registry.createRegisteredModel(name: "from-logged-model")
            let fromModel = try await registry.createModelVersion(name: "from-logged-model", source: "models:/\(logged.modelId)", runId: nil)
            #expect(fromModel.runId == run.info.runId)
            #expect(fromModel.modelId == logged.modelId)
            #expect(fromModel.storageLocation == logged.artifactUri)
            // A deleted logged model cannot be registered.
            try await tracking.deleteLoggedModel(logged.modelId)
            await #expect {
                _ = try await registry.createModelVersion(name: "from-logged-model", source: "models:/\(logged.modelId)", runId: nil)
            } throws: { ($0 as? WharfError)?.kind == .notFound && ($0 as? WharfError)?.field == "source" }

            try await registry.setAlias(name: "lead-scorer", alias: "champion", version: "1")
            #expect(try await registry.versionByAlias(name: "lead-scorer", alias: "champion").version == "1")
            // The alias moves: it points at exactly one version afterwards.
            try await registry.setAlias(name: "lead-scorer", alias: "champion", version: "2")
            #expect(try await registry.versionByAlias(name: "lead-scorer", alias: "champion").version == "2")
            #expect(try await registry.getModelVersion(name: "lead-scorer", version: "1").aliases.isEmpty)
            #expect(try await registry.getRegisteredModel("lead-scorer").aliases == [RegisteredModelAlias(alias: "champion", version: "2")])

            // An aliased version and its artifacts are protected.
            await #expect {
                try await registry.deleteModelVersion(name: "lead-scorer", version: "2")
            } throws: { ($0 as? WharfError)?.kind == .conflict }
            #expect(try await registry.isProtected(artifactPath: "\(exp)/\(run.info.runId)/artifacts/model2/model.pkl"))
            #expect(try await !registry.isProtected(artifactPath: "\(exp)/\(run.info.runId)/artifacts/model/model.pkl"))
            try await registry.deleteModelVersion(name: "lead-scorer", version: "1")
            await #expect(throws: WharfError.self) { _ = try await registry.getModelVersion(name: "lead-scorer", version: "1") }

            let v3 = try await registry.createModelVersion(name: "lead-scorer", source: "runs:/\(run.info.runId)/model3", runId: run.info.runId)
            _ = try await registry.transitionStage(name: "lead-scorer", version: "2", stage: .production, archiveExisting: false)
            _ = try await registry.transitionStage(name: "lead-scorer", version: v3.version, stage: .production, archiveExisting: true)
            #expect(try await registry.getModelVersion(name: "lead-scorer", version: "2").currentStage == "Archived")
            #expect(try await registry.latestVersions(name: "lead-scorer", stages: ["production"]).map(\.version) == ["3"])
            await #expect(throws: WharfError.self) {
                _ = try await registry.transitionStage(name: "lead-scorer", version: "9", stage: .staging, archiveExisting: false)
            }
            #expect(throws: WharfError.self) { _ = try ModelStage.parse("Prod") }

            try await registry.deleteAlias(name: "lead-scorer", alias: "champion")
            await #expect(throws: WharfError.self) { _ = try await registry.versionByAlias(name: "lead-scorer", alias: "champion") }
            #expect(try await registry.searchRegisteredModels(filter: "name ILIKE 'LEAD%'").items.map(\.name) == ["lead-scorer"])
            #expect(try await registry.searchModelVersions(filter: "name = 'lead-scorer'").items.map(\.version) == ["3", "2"])
        }
    }

    @Test(arguments: TestBackend.enabled)
    func concurrentAliasMovesLeaveOneTarget(_ backend: TestBackend) async throws {
        try await withServices(backend) { _, registry in
            _ = try await registry.createRegisteredModel(name: "m")
            for i in 0..<4 { _ = try await registry.createModelVersion(name: "m", source: "s3://b/\(i)", runId: nil) }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for i in 0..<12 {
                    group.addTask { try await registry.setAlias(name: "m", alias: "production", version: String(i % 4 + 1)) }
                }
                try await group.waitForAll()
            }
            let model = try await registry.getRegisteredModel("m")
            #expect(model.aliases.count == 1)
            #expect(model.aliases.first?.alias == "production")
            await #expect(throws: WharfError.self) { try await registry.setAlias(name: "m", alias: "bad alias", version: "1") }
        }
    }

    @Test(arguments: TestBackend.enabled)
    func searchTakesMLflowsRegistryGrammarInSQL(_ backend: TestBackend) async throws {
        try await withServices(backend) { _, registry in
            for (name, team) in [("lead-a", "growth"), ("lead-b", "risk"), ("Lead-C", "growth")] {
                _ = try await registry.createRegisteredModel(name: name, tags: [Tag(key: "team", value: team)])
            }
            _ = try await registry.createRegisteredModel(name: "prompt-1", tags: [Tag(key: "mlflow.prompt.is_prompt", value: "true")])
            func names(_ filter: String?, _ orderBy: [String] = []) async throws -> [String] {
                try await registry.searchRegisteredModels(filter: filter, orderBy: orderBy).items.map(\.name)
            }
            #expect(try await names(nil) == ["Lead-C", "lead-a", "lead-b"])
            #expect(try await names("tags.`mlflow.prompt.is_prompt` != 'true'") == ["Lead-C", "lead-a", "lead-b"])
            #expect(try await names("tag.`mlflow.prompt.is_prompt` = 'true'") == ["prompt-1"])
            #expect(try await names("name LIKE 'lead-%'") == ["lead-a", "lead-b"])
            #expect(try await names("name ILIKE 'lead-%' AND tags.team = 'growth'", ["name DESC"]) == ["lead-a", "Lead-C"])
            #expect(try await names("tags.\"team\" != 'growth'") == ["lead-b"])
            #expect(try await names("name IN ('lead-b', 'Lead-C')") == ["Lead-C", "lead-b"])
            let page = try await registry.searchRegisteredModels(orderBy: ["name ASC"], maxResults: 2)
            #expect(page.items.map(\.name) == ["Lead-C", "lead-a"])
            #expect(try await registry.searchRegisteredModels(orderBy: ["name ASC"], maxResults: 2, pageToken: page.nextPageToken).items.map(\.name) == ["lead-b"])
            for bad in ["description = 'x'", "tags.team > 'a'", "name = 5", "name LIKE 'a' OR name LIKE 'b'"] {
                await #expect { _ = try await names(bad) } throws: { ($0 as? WharfError)?.field == "filter" }
            }
            await #expect { _ = try await names(nil, ["name", "name DESC"]) } throws: { ($0 as? WharfError)?.field == "order_by[1]" }

            for i in 1...3 {
                _ = try await registry.createModelVersion(name: "lead-a", source: "s3://b/v\(i)", runId: i == 3 ? "r2" : "r1",
                                                          tags: [Tag(key: "stage", value: i == 3 ? "prod" : "dev")])
            }
            func versions(_ filter: String, _ orderBy: [String] = []) async throws -> [String] {
                try await registry.searchModelVersions(filter: filter, orderBy: orderBy).items.map(\.version)
            }
            #expect(try await versions("name = 'lead-a'") == ["3", "2", "1"])
            #expect(try await versions("name = 'lead-a' AND version_number >= 2", ["version_number ASC"]) == ["2", "3"])
            #expect(try await versions("run_id = 'r1'", ["version_number ASC"]) == ["1", "2"])
            #expect(try await versions("source_path LIKE 's3://b/v%' AND tags.stage = 'prod'") == ["3"])
            #expect(try await versions("run_id IN ('r2')") == ["3"])
            await #expect { _ = try await versions("source_path IN ('x')") } throws: { ($0 as? WharfError)?.field == "filter" }
            await #expect { _ = try await versions("version_number = 'x'") } throws: { ($0 as? WharfError)?.field == "filter" }
        }
    }
}
