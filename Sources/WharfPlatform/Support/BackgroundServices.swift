import ServiceLifecycle
import Synchronization

/// The platform's long-running work (job runners, schedulers, capture flushers, lease reapers): each
/// service registers here when the platform is built, and the process that serves the platform (`wharf
/// server`, `wharf worker`) runs them all in its service group, so they start with it and drain on a
/// graceful shutdown (a `Service` returns from `run()` once `gracefulShutdown()` fires).
public final class BackgroundServices: Sendable {
    private let registered = Mutex<[any Service]>([])

    public init() {}

    public func add(_ service: any Service) {
        registered.withLock { $0.append(service) }
    }

    /// Every registered service, in registration order (the order a service group starts them in).
    public var all: [any Service] { registered.withLock { $0 } }
}
