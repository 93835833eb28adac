import Hummingbird
import WharfPlatform

/// `/v1/models`: the native face of the model registry (models, versions, stages, aliases, lineage).
struct RegistryRoutes {
    let platform: Platform

    struct CreateModel: Decodable {
        let name: String
        let description: String?
        let tags: [Tag]?
    }

    struct UpdateModel: Decodable {
        let description: String
    }

    struct CreateVersion: Decodable {
        let source: String
        let runId: String?
        let modelId: String?
        let description: String?
        let tags: [Tag]?
    }

    struct Transition: Decodable {
        let stage: String
        let archiveExisting: Bool?
    }

    struct SetAlias: Decodable {
        let version: String
    }

    struct ModelList: Encodable {
        let models: [RegisteredModel]
        let nextPageToken: String?
    }

    struct VersionList: Encodable {
        let versions: [ModelVersion]
        let nextPageToken: String?
    }

    func register(on group: RouterGroup<WharfRequestContext>) {
        let registry = platform.registry

        group.post("/models") { request, context in
            let body = try await request.decodeJSON(as: CreateModel.self, context: context)
            let model = try await registry.createRegisteredModel(name: body.name, description: body.description ?? "", tags: body.tags ?? [])
            return try NativeJSON.response(model, status: .created)
        }
        group.get("/models") { request, _ in
            let q = request.uri.queryParameters
            let page = try await registry.searchRegisteredModels(
                filter: q["filter"].map(String.init), maxResults: try NativeJSON.int(q["maxResults"], field: "maxResults") ?? 100,
                pageToken: q["pageToken"].map(String.init))
            return try NativeJSON.response(ModelList(models: page.items, nextPageToken: page.nextPageToken))
        }
        group.get("/models/{name}") { _, context in
            try NativeJSON.response(try await registry.getRegisteredModel(try context.parameters.require("name")))
        }
        group.patch("/models/{name}") { request, context in
            let body = try await request.decodeJSON(as: UpdateModel.self, context: context)
            return try NativeJSON.response(try await registry.updateRegisteredModel(try context.parameters.require("name"), description: body.description))
        }
        group.delete("/models/{name}") { _, context in
            try await registry.deleteRegisteredModel(try context.parameters.require("name"))
            return Response(status: .noContent)
        }
        group.post("/models/{name}/versions") { request, context in
            let body = try await request.decodeJSON(as: CreateVersion.self, context: context)
            let version = try await registry.createModelVersion(
                name: try context.parameters.require("name"), source: body.source, runId: body.runId,
                description: body.description ?? "", tags: body.tags ?? [], modelId: body.modelId)
            return try NativeJSON.response(version, status: .created)
        }
        group.get("/models/{name}/versions") { request, context in
            let name = try context.parameters.require("name")
            _ = try await registry.getRegisteredModel(name)
            let q = request.uri.queryParameters
            let escaped = name.replacingOccurrences(of: "'", with: "''")
            let page = try await registry.searchModelVersions(
                filter: "name = '\(escaped)'", maxResults: try NativeJSON.int(q["maxResults"], field: "maxResults") ?? 1000,
                pageToken: q["pageToken"].map(String.init))
            return try NativeJSON.response(VersionList(versions: page.items, nextPageToken: page.nextPageToken))
        }
        group.get("/models/{name}/versions/{version}") { _, context in
            try NativeJSON.response(try await registry.getModelVersion(name: try context.parameters.require("name"), version: try context.parameters.require("version")))
        }
        group.delete("/models/{name}/versions/{version}") { _, context in
            try await registry.deleteModelVersion(name: try context.parameters.require("name"), version: try context.parameters.require("version"))
            return Response(status: .noContent)
        }
        let artifacts = platform.artifacts
        group.get("/models/{name}/versions/{version}/lineage") { _, context in
            var lineage = try await registry.lineage(name: try context.parameters.require("name"), version: try context.parameters.require("version"))
            lineage.signature = await artifacts.signature(at: lineage.storageLocation)
            return try NativeJSON.response(lineage)
        }
        group.post("/models/{name}/versions/{version}/stage") { request, context in
            let body = try await request.decodeJSON(as: Transition.self, context: context)
            let version = try await registry.transitionStage(
                name: try context.parameters.require("name"), version: try context.parameters.require("version"),
                stage: try ModelStage.parse(body.stage), archiveExisting: body.archiveExisting ?? false)
            return try NativeJSON.response(version)
        }
        group.get("/models/{name}/aliases/{alias}") { _, context in
            try NativeJSON.response(try await registry.versionByAlias(name: try context.parameters.require("name"), alias: try context.parameters.require("alias")))
        }
        group.put("/models/{name}/aliases/{alias}") { request, context in
            let name = try context.parameters.require("name")
            let alias = try context.parameters.require("alias")
            let body = try await request.decodeJSON(as: SetAlias.self, context: context)
            try await registry.setAlias(name: name, alias: alias, version: body.version)
            return try NativeJSON.response(try await registry.versionByAlias(name: name, alias: alias))
        }
        group.delete("/models/{name}/aliases/{alias}") { _, context in
            try await registry.deleteAlias(name: try context.parameters.require("name"), alias: try context.parameters.require("alias"))
            return Response(status: .noContent)
        }
    }
}
