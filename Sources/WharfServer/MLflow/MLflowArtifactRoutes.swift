import Foundation
import Hummingbird
import WharfObjectStore
import WharfPlatform

/// MLflow's artifact proxy, `/api/2.0/mlflow-artifacts/artifacts/<path>`: upload (PUT, streamed),
/// download (GET, with `mlflow server`'s headers), list (GET on the collection with `?path=`) and delete, over the object store.
struct MLflowArtifactRoutes {
    let artifacts: ArtifactRepository
    /// The group's own prefix, stripped from the raw request path to find the artifact path.
    let prefix: String

    func register(on group: RouterGroup<WharfRequestContext>) {
        let artifacts = self.artifacts
        let prefix = self.prefix
        group.get("/artifacts") { request, _ in
            let path = try MLflowParameters.queryFields(request.uri.query).last(where: { $0.0 == "path" })?.1 ?? ""
            let entries = try await artifacts.list(path: path)
            return try MLflowJSON.response([("files", entries)])
        }
        group.put("/artifacts/**") { request, _ in
            try await artifacts.upload(path: try Self.path(of: request, prefix: prefix), body: ObjectBody(request.body))
            return MLflowJSON.empty
        }
        group.get("/artifacts/**") { request, _ in
            let path = try Self.path(of: request, prefix: prefix)
            let download = try await artifacts.download(path: path)
            return Response(status: .ok, headers: ArtifactDownloadHeaders.fields(path: path, size: download.info.size), body: ResponseBody(asyncSequence: download.body))
        }
        group.delete("/artifacts/**") { request, _ in
            try await artifacts.delete(path: try Self.path(of: request, prefix: prefix))
            return MLflowJSON.empty
        }
    }

    /// The artifact path from the raw (still percent-encoded) request path, so encoded traversal is seen and refused.
    static func path(of request: Request, prefix: String) throws -> String {
        let raw = request.uri.path
        let start = prefix + "/artifacts/"
        guard raw.hasPrefix(start) else { throw WharfError.invalid("path", "the artifact path must follow \(start)") }
        return try ArtifactRepository.validate(path: String(raw.dropFirst(start.count)))
    }
}
