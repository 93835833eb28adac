import Hummingbird
import WharfPlatform

/// MLflow's model registry REST calls (`registered-models/*`, `model-versions/*`) over the registry service.
struct MLflowRegistryRoutes {
    let registry: RegistryService

    func register(on group: RouterGroup<WharfRequestContext>) {
        func on(_ path: String, _ methods: [HTTPRequest.Method], _ handler: @escaping MLflowTrackingRoutes.Handler) {
            for method in methods {
                group.on(RouterPath(path), method: method) { request, context in
                    try await handler(try await MLflowParameters.from(request, context: context), request, context)
                }
            }
        }
        let registry = self.registry

        // MARK: registered models
        on("/registered-models/create", [.post]) { p, _, _ in
            let model = try await registry.createRegisteredModel(name: try p.string("name"), description: try p.optionalString("description") ?? "", tags: try p.tags())
            return try MLflowJSON.response([("registered_model", model)])
        }
        on("/registered-models/get", [.get]) { p, _, _ in
            try MLflowJSON.response([("registered_model", try await registry.getRegisteredModel(try p.string("name")))])
        }
        on("/registered-models/search", [.get, .post]) { p, _, _ in
            let page = try await registry.searchRegisteredModels(
                filter: try p.optionalString("filter"), orderBy: try p.stringList("order_by"), maxResults: try p.maxResults(default: 100),
                pageToken: try p.optionalString("page_token"))
            return try MLflowJSON.response([("registered_models", page.items), ("next_page_token", page.nextPageToken)])
        }
        on("/registered-models/update", [.patch, .post]) { p, _, _ in
            let model = try await registry.updateRegisteredModel(try p.string("name"), description: try p.optionalString("description") ?? "")
            return try MLflowJSON.response([("registered_model", model)])
        }
        on("/registered-models/delete", [.delete, .post]) { p, _, _ in
            try await registry.deleteRegisteredModel(try p.string("name"))
            return MLflowJSON.empty
        }
        on("/registered-models/set-tag", [.post]) { p, _, _ in
            try await registry.setRegisteredModelTag(try p.string("name"), tag: Tag(key: try p.string("key"), value: try p.optionalString("value") ?? ""))
            return MLflowJSON.empty
        }
        on("/registered-models/delete-tag", [.delete]) { p, _, _ in
            try await registry.deleteRegisteredModelTag(try p.string("name"), key: try p.string("key"))
            return MLflowJSON.empty
        }
        on("/registered-models/rename", [.post]) { p, _, _ in
            let model = try await registry.renameRegisteredModel(try p.string("name"), to: try p.string("new_name"))
            return try MLflowJSON.response([("registered_model", model)])
        }
        on("/registered-models/get-latest-versions", [.get, .post]) { p, _, _ in
            let versions = try await registry.latestVersions(name: try p.string("name"), stages: try p.stringList("stages"))
            return try MLflowJSON.response([("model_versions", versions)])
        }
        on("/registered-models/alias", [.post]) { p, _, _ in
            try await registry.setAlias(name: try p.string("name"), alias: try p.string("alias"), version: try p.string("version"))
            return MLflowJSON.empty
        }
        on("/registered-models/alias", [.delete]) { p, _, _ in
            try await registry.deleteAlias(name: try p.string("name"), alias: try p.string("alias"))
            return MLflowJSON.empty
        }
        on("/registered-models/alias", [.get]) { p, _, _ in
            try MLflowJSON.response([("model_version", try await registry.versionByAlias(name: try p.string("name"), alias: try p.string("alias")))])
        }

        // MARK: model versions
        on("/model-versions/create", [.post]) { p, _, _ in
            let version = try await registry.createModelVersion(
                name: try p.string("name"), source: try p.string("source"), runId: try p.optionalString("run_id"),
                description: try p.optionalString("description") ?? "", tags: try p.tags(), modelId: try p.optionalString("model_id"))
            return try MLflowJSON.response([("model_version", version)])
        }
        on("/model-versions/get", [.get]) { p, _, _ in
            try MLflowJSON.response([("model_version", try await registry.getModelVersion(name: try p.string("name"), version: try p.string("version")))])
        }
        on("/model-versions/search", [.get, .post]) { p, _, _ in
            let page = try await registry.searchModelVersions(
                filter: try p.optionalString("filter"), orderBy: try p.stringList("order_by"), maxResults: try p.maxResults(default: 10000),
                pageToken: try p.optionalString("page_token"))
            return try MLflowJSON.response([("model_versions", page.items), ("next_page_token", page.nextPageToken)])
        }
        on("/model-versions/update", [.patch, .post]) { p, _, _ in
            let version = try await registry.updateModelVersion(name: try p.string("name"), version: try p.string("version"), description: try p.optionalString("description") ?? "")
            return try MLflowJSON.response([("model_version", version)])
        }
        on("/model-versions/delete", [.delete, .post]) { p, _, _ in
            try await registry.deleteModelVersion(name: try p.string("name"), version: try p.string("version"))
            return MLflowJSON.empty
        }
        on("/model-versions/set-tag", [.post]) { p, _, _ in
            try await registry.setModelVersionTag(name: try p.string("name"), version: try p.string("version"), tag: Tag(key: try p.string("key"), value: try p.optionalString("value") ?? ""))
            return MLflowJSON.empty
        }
        on("/model-versions/delete-tag", [.delete]) { p, _, _ in
            try await registry.deleteModelVersionTag(name: try p.string("name"), version: try p.string("version"), key: try p.string("key"))
            return MLflowJSON.empty
        }
        on("/model-versions/transition-stage", [.post]) { p, _, _ in
            let version = try await registry.transitionStage(
                name: try p.string("name"), version: try p.string("version"), stage: try ModelStage.parse(try p.string("stage")),
                archiveExisting: try p.bool("archive_existing_versions") ?? false)
            return try MLflowJSON.response([("model_version", version)])
        }
        on("/model-versions/get-download-uri", [.get]) { p, _, _ in
            try MLflowJSON.response([("artifact_uri", try await registry.downloadURI(name: try p.string("name"), version: try p.string("version")))])
        }
    }
}
