import Crypto
import Foundation

/// The checksum algorithms S3 accepts in `x-amz-checksum-*`.
public enum ChecksumAlgorithm: String, Sendable, Hashable, CaseIterable, Codable {
    case crc32 = "CRC32", crc32c = "CRC32C", crc64nvme = "CRC64NVME", sha1 = "SHA1", sha256 = "SHA256"

    /// `x-amz-checksum-crc32` and so on.
    public var headerName: String { "x-amz-checksum-" + rawValue.lowercased() }

    public init?(headerName: String) {
        guard headerName.hasPrefix("x-amz-checksum-") else { return nil }
        self.init(rawValue: headerName.dropFirst("x-amz-checksum-".count).uppercased())
    }
}

/// A running checksum of one of S3's algorithms over a stream of bytes.
public struct ObjectChecksum: Sendable {
    public let algorithm: ChecksumAlgorithm
    private var state: TrailerChecksum

    public init(_ algorithm: ChecksumAlgorithm) {
        self.algorithm = algorithm
        self.state = TrailerChecksum(headerName: algorithm.headerName)!
    }

    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        state.update(bytes)
    }

    /// The value as S3 sends it: base64 of the big-endian CRC or of the digest.
    public func finalBase64() -> String { state.finalBase64() }
}

/// What a write must check before it is stored: the `Content-MD5` given and the checksum to
/// compute (and compare, when the client sent its value in a header). A mismatch is `.badDigest`
/// and nothing is stored.
public struct Integrity: Sendable, Hashable {
    /// The 16 bytes of `Content-MD5`.
    public var contentMD5: [UInt8]?
    /// The checksum to compute and keep with the object.
    public var algorithm: ChecksumAlgorithm?
    /// The value the client sent for `algorithm` (base64); nil when it only asked for it to be computed
    /// (or sent it in a trailer, which the chunk decoder already compared).
    public var expected: String?

    public init(contentMD5: [UInt8]? = nil, algorithm: ChecksumAlgorithm? = nil, expected: String? = nil) {
        self.contentMD5 = contentMD5
        self.algorithm = algorithm
        self.expected = expected
    }

    /// Compares what was computed with what was asked; returns the checksum to store.
    func verify(md5: [UInt8]?, checksum: ObjectChecksum?) throws(ObjectStoreError) -> StoredChecksum? {
        if let contentMD5, let md5, contentMD5 != md5 {
            throw .badDigest(field: "Content-MD5", reason: "the Content-MD5 you specified did not match what was received")
        }
        guard let checksum else { return nil }
        let value = checksum.finalBase64()
        if let expected, expected != value {
            throw .badDigest(
                field: checksum.algorithm.headerName,
                reason: "the \(checksum.algorithm.rawValue) you specified (\(expected)) did not match what was received (\(value))")
        }
        return StoredChecksum(algorithm: checksum.algorithm, value: value)
    }
}

/// A checksum kept with an object, returned when a reader asks (`x-amz-checksum-mode: ENABLED`).
public struct StoredChecksum: Sendable, Hashable, Codable {
    public var algorithm: ChecksumAlgorithm
    public var value: String
    public init(algorithm: ChecksumAlgorithm, value: String) {
        self.algorithm = algorithm
        self.value = value
    }
}

/// A condition on the object a write replaces (`If-None-Match: *`, `If-Match: "etag"`).
public enum WriteCondition: Sendable, Hashable {
    /// Only when no object exists under the key.
    case absent
    /// Only when the current object's ETag is one of these (`*`: any object).
    case etagMatches([String])

    /// Throws `.preconditionFailed` when `current` (the object's ETag, nil when there is none) fails the condition.
    public func check(current: String?, bucket: String, key: String) throws(ObjectStoreError) {
        switch self {
        case .absent:
            if current != nil { throw .preconditionFailed("an object already exists at '\(key)' (If-None-Match: *)") }
        case .etagMatches(let tags):
            guard let current else { throw .noSuchKey(bucket: bucket, key: key) }
            let ok = tags.contains { tag in tag == "*" || tag.trimmingCharacters(in: CharacterSet(charactersIn: "\" ")) == current }
            if !ok { throw .preconditionFailed("the ETag of '\(key)' is \"\(current)\", not one If-Match names") }
        }
    }
}
