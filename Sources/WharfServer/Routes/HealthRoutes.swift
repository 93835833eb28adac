import Foundation
import Hummingbird
import WharfPlatform

/// `/healthz` (the process answers), `/readyz` (its stores answer) and `/metrics` (Prometheus text).
struct HealthRoutes {
    let platform: Platform

    func register(on router: Router<WharfRequestContext>) {
        router.get("/healthz") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: #"{"status":"ok"}"#)))
        }
        router.get("/readyz") { _, _ -> Response in
            let report = await platform.readiness()
            let data = try JSONEncoder().encode(report)
            return Response(
                status: report.ready ? .ok : .serviceUnavailable,
                headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(bytes: data))
            )
        }
        router.get("/metrics") { _, _ in MetricsExporter.render() }
    }
}
