import Hummingbird
import WharfPlatform

/// MLflow's REST API under `/api/2.0/mlflow` and `/ajax-api/2.0/mlflow` (the UI's prefix), and the
/// artifact proxy under `/api/2.0/mlflow-artifacts`, with MLflow's error shape and Wharf's keys.
/// It is a router of its own behind one middleware, as the S3 face is, so the native router lists only `/v1`.
struct MLflowFace: RouterMiddleware {
    typealias Context = WharfRequestContext
    let responder: RouterResponder<WharfRequestContext>

    init(platform: Platform, access: AccessPolicy) {
        let router = Router(context: WharfRequestContext.self)
        router.middlewares.add(MLflowErrorMiddleware())
        router.middlewares.add(MLflowAuthMiddleware(access: access))
        for root in ["/api/2.0", "/ajax-api/2.0"] {
            let api = router.group(RouterPath(root + "/mlflow"))
            MLflowTrackingRoutes(tracking: platform.tracking).register(on: api)
            MLflowRegistryRoutes(registry: platform.registry).register(on: api)
            let artifactPrefix = root + "/mlflow-artifacts"
            MLflowArtifactRoutes(artifacts: platform.artifacts, prefix: artifactPrefix).register(on: router.group(RouterPath(artifactPrefix)))
        }
        responder = router.buildResponder()
    }

    static func handles(_ path: String) -> Bool {
        path.hasPrefix("/api/2.0/mlflow") || path.hasPrefix("/ajax-api/2.0/mlflow")
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard Self.handles(request.uri.path) else { return try await next(request, context) }
        do {
            return try await responder.respond(to: request, context: context)
        } catch let error as WharfError {
            return MLflowError(error).response
        } catch let error as HTTPError where error.status == .notFound {
            return MLflowError(WharfError(.notFound, "no MLflow endpoint \(request.method.rawValue) \(request.uri.path)")).response
        } catch {
            return MLflowError(WharfError(.invalidArgument, "\(error)")).response
        }
    }
}
