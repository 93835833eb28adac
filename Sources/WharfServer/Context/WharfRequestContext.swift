import Hummingbird
import WharfPlatform

/// Per-request state: the authenticated caller and the JSON body limit.
public struct WharfRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public var principal: Principal = .anonymous
    public var maxUploadSize: Int { WharfRequestContext.jsonBodyLimit }

    /// The largest JSON body the native API accepts (object uploads stream and are not bound by it).
    nonisolated(unsafe) static var jsonBodyLimit = 8 * 1024 * 1024

    public init(source: Source) {
        self.coreContext = .init(source: source)
    }
}
