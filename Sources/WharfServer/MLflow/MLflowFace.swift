import Hummingbird
import WharfPlatform

/// MLflow's REST API under `/api/2.0/mlflow` and `/ajax-api/2.0/mlflow` (the UI's prefix), the artifact
/// proxy under `/api/2.0/mlflow-artifacts`, and `/api/3.0/mlflow` (only `server-info` is served there; the
/// rest of 3.0 is MLflow's GenAI API, answered ENDPOINT_NOT_FOUND), with MLflow's error shape and Wharf's keys.
/// It is a router of its own behind one middleware, as the S3 face is, so the native router lists only `/v1`.
struct MLflowFace: RouterMiddleware {
    typealias Context = WharfRequestContext
    let responder: RouterResponder<WharfRequestContext>

    /// The MLflow server version whose REST behaviour this face follows (`GET /version` answers it).
    static let mlflowVersion = "3.17.2"

    init(platform: Platform, access: AccessPolicy) {
        let router = Router(context: WharfRequestContext.self)
        router.middlewares.add(MLflowErrorMiddleware())
        router.middlewares.add(MLflowAuthMiddleware(access: access))
        for root in ["/api/2.0", "/ajax-api/2.0"] {
            let api = router.group(RouterPath(root + "/mlflow"))
            MLflowTrackingRoutes(tracking: platform.tracking, artifacts: platform.artifacts).register(on: api)
            MLflowRegistryRoutes(registry: platform.registry).register(on: api)
            let artifactPrefix = root + "/mlflow-artifacts"
            MLflowArtifactRoutes(artifacts: platform.artifacts, prefix: artifactPrefix).register(on: router.group(RouterPath(artifactPrefix)))
        }
        for root in ["/api/3.0", "/ajax-api/3.0"] {
            router.get(RouterPath(root + "/mlflow/server-info")) { _, _ in
                // What the 3.x client probes before large artifact uploads: no multipart, no presigned uploads.
                try MLflowJSON.response([
                    ("store_type", "SqlStore"), ("workspaces_enabled", false), ("trace_archival_enabled", false),
                    ("multipart_uploads_enabled", false), ("multipart_downloads_enabled", false),
                    ("presigned_upload_run_id_supported", false), ("presigned_upload_model_id_supported", false),
                    ("features_enabled", ["gateway": false]),
                ])
            }
        }
        responder = router.buildResponder()
    }

    static func handles(_ path: String) -> Bool {
        for root in ["/api/2.0/mlflow", "/ajax-api/2.0/mlflow", "/api/3.0/mlflow", "/ajax-api/3.0/mlflow"] where path.hasPrefix(root) {
            let rest = path.utf8.dropFirst(root.utf8.count)
            // `/api/2.0/mlflow-artifacts/...` belongs here too; `/api/2.0/mlflowx` does not.
            if rest.isEmpty || rest.first == UInt8(ascii: "/") || path.hasPrefix(root + "-artifacts") { return true }
        }
        return false
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard Self.handles(request.uri.path) else { return try await next(request, context) }
        do {
            return try await responder.respond(to: request, context: context)
        } catch let error as WharfError {
            return MLflowError(error).response
        } catch let error as HTTPError where error.status == .notFound {
            return MLflowError.noEndpoint(request).response
        } catch {
            return MLflowError(WharfError(.invalidArgument, "\(error)")).response
        }
    }
}

/// `GET /version`, which the 3.x client asks (without retries) before some calls, as `mlflow server` answers
/// it: the version as plain text, no key needed. It sits in front of the S3 face, where the path would name a
/// bucket: only an unsigned GET of exactly `/version` is taken (a SigV4-signed request stays S3's).
struct MLflowVersionMiddleware: RouterMiddleware {
    typealias Context = WharfRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.method == .get || request.method == .head, request.uri.path == "/version",
              request.headers[.authorization]?.hasPrefix("AWS4-") != true,
              request.uri.query?.contains("X-Amz-") != true
        else { return try await next(request, context) }
        return Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: MLflowFace.mlflowVersion)))
    }
}
