import Hummingbird
import Metrics
import Prometheus
import Synchronization

/// Bootstraps swift-metrics with a Prometheus registry once per process and renders it for `/metrics`.
public enum MetricsExporter {
    private static let state = Mutex<PrometheusCollectorRegistry?>(nil)

    /// The process-wide registry; the first call installs it as the metrics backend.
    public static var registry: PrometheusCollectorRegistry {
        state.withLock { current in
            if let current { return current }
            let registry = PrometheusCollectorRegistry()
            MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
            current = registry
            return registry
        }
    }

    static func render() -> Response {
        let bytes = registry.emitToBuffer()
        return Response(
            status: .ok,
            headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: bytes))
        )
    }
}
