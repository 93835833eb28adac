/// A byte range as HTTP's `Range: bytes=` expresses it.
public enum ByteRange: Sendable, Hashable, CustomStringConvertible {
    /// `bytes=first-last` (inclusive; `last` may run past the end and is clamped).
    case closed(first: Int64, last: Int64)
    /// `bytes=first-`
    case from(Int64)
    /// `bytes=-length`: the last `length` bytes.
    case suffix(Int64)

    /// Parses a `Range` header value with a single range; nil for syntax S3 ignores (multiple
    /// ranges, other units, garbage), which then serves the whole object.
    public init?(httpHeader: String) {
        guard httpHeader.hasPrefix("bytes=") else { return nil }
        let spec = httpHeader.dropFirst(6).trimmingCharacters(in: .whitespaces)
        guard !spec.contains(","), let dash = spec.firstIndex(of: "-") else { return nil }
        let a = spec[..<dash].trimmingCharacters(in: .whitespaces)
        let b = spec[spec.index(after: dash)...].trimmingCharacters(in: .whitespaces)
        switch (Int64(a), Int64(b)) {
        case (let first?, let last?) where first >= 0 && last >= first: self = .closed(first: first, last: last)
        case (let first?, nil) where b.isEmpty && first >= 0: self = .from(first)
        case (nil, let length?) where a.isEmpty && length >= 0: self = .suffix(length)
        default: return nil
        }
    }

    public var description: String {
        switch self {
        case .closed(let f, let l): "bytes=\(f)-\(l)"
        case .from(let f): "bytes=\(f)-"
        case .suffix(let n): "bytes=-\(n)"
        }
    }

    /// The inclusive offsets served for an object of `size` bytes; throws `.invalidRange` when
    /// nothing is satisfiable (a start at or past the end, or an empty suffix).
    public func resolve(size: Int64) throws(ObjectStoreError) -> ClosedRange<Int64> {
        switch self {
        case .closed(let first, let last):
            guard first < size else { throw .invalidRange(description, size: size) }
            return first...min(last, size - 1)
        case .from(let first):
            guard first < size else { throw .invalidRange(description, size: size) }
            return first...(size - 1)
        case .suffix(let length):
            guard length > 0, size > 0 else { throw .invalidRange(description, size: size) }
            return max(0, size - length)...(size - 1)
        }
    }
}

import Foundation
