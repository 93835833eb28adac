import Foundation

/// Opens the store a `--storage` value names: `s3://bucket/prefix?endpoint=…` (see
/// `S3Configuration(url:)`), or a folder given as a path or a `file://` URL.
public enum ObjectStoreLocation {
    public static func open(
        _ location: String, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> any ObjectStore {
        if location.lowercased().hasPrefix("s3://") {
            return S3ObjectStore(configuration: try S3Configuration(url: location, environment: environment))
        }
        if location.lowercased().hasPrefix("file://") {
            guard let url = URL(string: location), url.isFileURL, !url.path.isEmpty else {
                throw ObjectStoreError.invalidArgument(field: "storage", reason: "'\(location)' is not a file:// URL with a path")
            }
            return try FolderObjectStore(root: url.path)
        }
        guard !location.isEmpty, !location.contains("://") else {
            throw ObjectStoreError.invalidArgument(field: "storage", reason: "'\(location)' is neither s3://bucket/prefix nor a folder path")
        }
        return try FolderObjectStore(root: location)
    }
}
