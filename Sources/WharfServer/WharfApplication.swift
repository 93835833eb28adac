import Hummingbird
import Logging
import WharfPlatform

/// Builds the HTTP face of a platform: native `/v1` API, the S3-compatible API, health and metrics.
public enum WharfApplication {
    /// The router, without sockets: what tests drive through HummingbirdTesting.
    public static func router(platform: Platform, loopbackOnly: Bool, settings: ServerSettings = ServerSettings()) -> Router<WharfRequestContext> {
        _ = MetricsExporter.registry
        let router = Router(context: WharfRequestContext.self)
        router.middlewares.add(ServerSettingsMiddleware(settings: settings))
        let access = AccessPolicy(keys: platform.keys, loopbackOnly: loopbackOnly)
        // SigV4 requests scoped to a service other than s3 (sts, sagemaker, logs, states, lambda...) go to the
        // AWS front door; everything else, anonymous and presigned S3 included, passes on unchanged.
        router.middlewares.add(AWSFrontDoor(platform: platform, access: access))
        // MLflow's `GET /version` is a root path, where the S3 face would see a bucket.
        router.middlewares.add(MLflowVersionMiddleware())
        // S3 calls record their own metrics (S3Metrics): the general middleware would split one-buffer responses into three writes.
        router.middlewares.add(S3Middleware(
            authenticator: S3Authenticator(keys: platform.keys, access: access),
            operations: S3Operations(store: platform.objects, registry: platform.registry)
        ))
        router.middlewares.add(MetricsMiddleware())
        router.middlewares.add(APIErrorMiddleware())
        router.middlewares.add(MLflowFace(platform: platform, access: access))
        HealthRoutes(platform: platform).register(on: router)
        let v1 = router.group("/v1").add(middleware: BearerAuthMiddleware(access: access))
        KeyRoutes(keys: platform.keys).register(on: v1)
        TrackingRoutes(platform: platform).register(on: v1)
        RegistryRoutes(platform: platform).register(on: v1)
        return router
    }

    /// True for addresses that only this machine can reach.
    public static func isLoopback(_ host: String) -> Bool {
        host == "127.0.0.1" || host == "::1" || host == "localhost" || host.hasPrefix("127.")
    }

    /// A server that refuses to start on a non-loopback address until at least one API key exists. The
    /// platform's background services (job runners, schedulers, capture flushers) start with it and are
    /// drained when it shuts down gracefully (SIGTERM, SIGINT).
    public static func application(
        platform: Platform,
        host: String,
        port: Int,
        settings: ServerSettings = ServerSettings(),
        logger: Logger
    ) async throws -> some ApplicationProtocol {
        let loopbackOnly = isLoopback(host)
        if !loopbackOnly, try await !platform.keys.hasActiveKeys() {
            throw WharfError(
                .permissionDenied,
                "refusing to listen on \(host) with no API keys: create one first with `wharf keys create --local --role admin --name NAME`",
                field: "host"
            )
        }
        return Application(
            router: router(platform: platform, loopbackOnly: loopbackOnly, settings: settings),
            server: .http1(configuration: .init(additionalChannelHandlers: [ExpectContinueHandler()])),
            configuration: .init(address: .hostname(host, port: port), serverName: "wharf"),
            services: platform.backgroundServices.all,
            logger: logger
        )
    }
}
