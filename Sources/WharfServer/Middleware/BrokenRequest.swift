import NIOHTTP1
import WharfPlatform

/// A request the client broke while it was being read: the connection ended before the body's
/// declared length, or the bytes stopped being HTTP. It is the client's doing, answered with 400
/// (when the client is still there to read it) and never counted as a server error.
enum BrokenRequest {
    static func describe(_ error: HTTPParserError) -> WharfError {
        switch error {
        case .invalidEOFState:
            WharfError(.invalidArgument, "the request body ended before its declared length", field: "body")
        default:
            WharfError(.invalidArgument, "the request is not valid HTTP: \(error.debugDescription)")
        }
    }

    /// The S3 error code for it: S3 answers a short body with IncompleteBody.
    static func s3Code(_ error: HTTPParserError) -> String {
        error == .invalidEOFState ? "IncompleteBody" : "InvalidRequest"
    }
}
