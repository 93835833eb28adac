import Foundation
import NIOCore
import WharfObjectStore

/// One entry of an artifact listing: a file with its size or a directory.
public struct ArtifactEntry: Codable, Sendable, Hashable {
    public var path: String
    public var isDir: Bool
    public var fileSize: Int64?

    public init(path: String, isDir: Bool, fileSize: Int64?) {
        self.path = path
        self.isDir = isDir
        self.fileSize = fileSize
    }
}

/// Run and model artifacts in the ObjectStore, addressed by the path after `mlflow-artifacts:/`.
/// Every path is checked before use: nothing outside the artifact root can be named.
public final class ArtifactRepository: Sendable {
    /// The bucket that holds every tracked artifact (visible through the S3 face as well).
    public static let bucket = "mlflow-artifacts"
    let objects: any ObjectStore
    let registry: RegistryService

    public init(objects: any ObjectStore, registry: RegistryService) {
        self.objects = objects
        self.registry = registry
    }

    /// Decodes and checks a client path: no `..` or `.` segments, no leading `/`, no backslashes or NULs,
    /// also after a second round of percent-decoding (so `%252e%252e` is refused too), and nothing the object
    /// store would refuse as a key (over 1,024 bytes of UTF-8, control characters): this is the one check every
    /// face's artifact paths go through, so a bad path is a 400 naming the field, never a store error.
    public static func validate(path raw: String, field: String = "path", allowEmpty: Bool = false) throws -> String {
        guard let decoded = raw.removingPercentEncoding else {
            throw WharfError.invalid(field, "artifact path '\(raw)' has invalid percent-encoding")
        }
        let trimmed = decoded.hasSuffix("/") ? String(decoded.dropLast()) : decoded
        if trimmed.isEmpty {
            guard allowEmpty else { throw WharfError.invalid(field, "the artifact path is empty") }
            return ""
        }
        let twice = trimmed.removingPercentEncoding ?? trimmed
        for candidate in [trimmed, twice] {
            guard !candidate.hasPrefix("/"), !candidate.contains("\\"), !candidate.contains("\0"), !candidate.lowercased().hasPrefix("file:") else {
                throw WharfError.invalid(field, "artifact path '\(raw)' must be relative to the artifact root")
            }
            for segment in candidate.split(separator: "/", omittingEmptySubsequences: false) where segment.isEmpty || segment == "." || segment == ".." {
                throw WharfError.invalid(field, "artifact path '\(raw)' leaves the artifact root or has an empty segment")
            }
        }
        do {
            try ObjectKey.validate(trimmed)
        } catch {
            throw Self.refusal(error, field: field)
        }
        return trimmed
    }

    /// An object-store failure as the platform's error: the caller's mistakes (a bad or too long key, a missing
    /// object) are 4xx naming `field`; only a failing backend stays internal.
    static func refusal(_ error: ObjectStoreError, field: String = "path") -> WharfError {
        switch error {
        case .keyTooLong(_, let length):
            return WharfError.invalid(field, "the artifact path is \(length) bytes of UTF-8; the object store takes at most \(ObjectKey.maximumLength)")
        case .invalidKey(_, let reason):
            return WharfError.invalid(field, "the object store refuses this artifact path: \(reason)")
        case .noSuchKey(_, let key):
            return WharfError(.notFound, "artifact '\(key)' does not exist", field: field)
        case .backend:
            return WharfError(.internal, error.description)
        default:
            return error.httpStatus == 404 ? WharfError(.notFound, error.description, field: field)
                : error.httpStatus == 409 ? WharfError(.conflict, error.description, field: field)
                : WharfError.invalid(field, error.description)
        }
    }

    /// Stores a streamed upload at `path`.
    public func upload<Body: AsyncSequence & Sendable>(path: String, body: Body) async throws where Body.Element == ByteBuffer {
        let key = try Self.validate(path: path)
        try await ensureBucket()
        do {
            _ = try await objects.putObject(bucket: Self.bucket, key: key, body: body, options: PutOptions())
        } catch let error as ObjectStoreError {
            throw Self.refusal(error)
        }
    }

    /// Opens an artifact for streaming.
    public func download(path: String) async throws -> ObjectDownload {
        let key = try Self.validate(path: path)
        do {
            return try await objects.getObject(bucket: Self.bucket, key: key, range: nil)
        } catch ObjectStoreError.noSuchKey, ObjectStoreError.noSuchBucket {
            throw WharfError(.notFound, "artifact '\(key)' does not exist", field: "path")
        } catch let error as ObjectStoreError {
            throw Self.refusal(error)
        }
    }

    /// The files and directories directly under `path` (names relative to it); a file path lists itself
    /// unless `fileListsItself` is false.
    public func list(path: String, fileListsItself: Bool = true) async throws -> [ArtifactEntry] {
        let root = try Self.validate(path: path, allowEmpty: true)
        let prefix = root.isEmpty ? "" : root + "/"
        var entries: [ArtifactEntry] = []
        var token: String?
        repeat {
            let listing: ObjectListing
            do {
                listing = try await objects.listObjects(
                    bucket: Self.bucket,
                    request: ListObjectsRequest(prefix: prefix, delimiter: "/", continuationToken: token, maxKeys: 1000))
            } catch ObjectStoreError.noSuchBucket {
                return []
            } catch let error as ObjectStoreError {
                throw Self.refusal(error)
            }
            for directory in listing.commonPrefixes {
                entries.append(ArtifactEntry(path: String(directory.dropFirst(prefix.count).dropLast()), isDir: true, fileSize: nil))
            }
            for object in listing.objects where object.key.count > prefix.count {
                entries.append(ArtifactEntry(path: String(object.key.dropFirst(prefix.count)), isDir: false, fileSize: object.size))
            }
            token = listing.isTruncated ? listing.nextContinuationToken : nil
        } while token != nil
        if entries.isEmpty, fileListsItself, !root.isEmpty, let info = try? await objects.headObject(bucket: Self.bucket, key: root) {
            return [ArtifactEntry(path: (root as NSString).lastPathComponent, isDir: false, fileSize: info.size)]
        }
        return entries.sorted { $0.path < $1.path }
    }

    /// Deletes an artifact or a whole directory, refusing while a registry alias protects it.
    public func delete(path: String) async throws {
        let root = try Self.validate(path: path)
        if try await registry.isProtected(artifactPath: root) {
            throw WharfError(.conflict, "artifact '\(root)' belongs to a model version an alias points at: move or remove the alias first", field: "path")
        }
        var keys: [String] = [root]
        var token: String?
        repeat {
            let listing: ObjectListing
            do {
                listing = try await objects.listObjects(bucket: Self.bucket, request: ListObjectsRequest(prefix: root + "/", continuationToken: token, maxKeys: 1000))
            } catch ObjectStoreError.noSuchBucket {
                return
            } catch let error as ObjectStoreError {
                throw Self.refusal(error)
            }
            keys += listing.objects.map(\.key)
            token = listing.isTruncated ? listing.nextContinuationToken : nil
        } while token != nil
        do {
            for key in keys { try await objects.deleteObject(bucket: Self.bucket, key: key) }
        } catch let error as ObjectStoreError {
            throw Self.refusal(error)
        }
    }

    /// The signature in the MLmodel file under an `mlflow-artifacts:/` location, if the file exists and has one.
    public func signature(at location: String) async -> ModelSignature? {
        guard location.hasPrefix(TrackingService.artifactScheme) else { return nil }
        let root = location.dropFirst(TrackingService.artifactScheme.count).trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        guard let key = try? Self.validate(path: root + "/MLmodel"),
              let bytes = try? await objects.getObjectBytes(bucket: Self.bucket, key: key, limit: 4 << 20)
        else { return nil }
        return ModelSignature.parse(mlmodel: String(buffer: bytes))
    }

    private func ensureBucket() async throws {
        guard try await !objects.bucketExists(Self.bucket) else { return }
        do {
            try await objects.createBucket(Self.bucket)
        } catch ObjectStoreError.bucketAlreadyOwnedByYou {
            return
        }
    }
}
