import Hummingbird
import WharfPlatform

/// Per-request state: the authenticated caller and the JSON body limit.
public struct WharfRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public var principal: Principal = .anonymous
    /// The largest JSON body the API faces accept (object uploads stream and are not bound by it); the
    /// application's `ServerSettings` set it on every request.
    public var maxUploadSize: Int = ServerSettings.defaultJSONBodyLimit

    public init(source: Source) {
        self.coreContext = .init(source: source)
    }
}
