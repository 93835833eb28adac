/// Validation of object keys: what a key may contain so that no backend can ever be tricked into
/// addressing anything outside a bucket.
public enum ObjectKey {
    /// S3's limit on a key's UTF-8 length.
    public static let maximumLength = 1024

    /// Throws `.invalidKey` naming the rule the key breaks, or `.keyTooLong`.
    ///
    /// Rejected: empty keys, keys over 1024 UTF-8 bytes, NUL and other control characters,
    /// backslashes (a separator on some systems), a leading `/`, and `.` or `..` segments, also
    /// when written percent-encoded (`%2e%2e`, `..%2f`), so a later decoding cannot create one.
    public static func validate(_ key: String) throws(ObjectStoreError) {
        if key.isEmpty { throw .invalidKey(key, reason: "key is empty") }
        let utf8 = key.utf8
        if utf8.count > maximumLength { throw .keyTooLong(key, length: utf8.count) }
        for scalar in key.unicodeScalars {
            let v = scalar.value
            if v < 0x20 || v == 0x7F || (v >= 0x80 && v < 0xA0) {
                throw .invalidKey(key, reason: "key contains control character U+\(String(v, radix: 16, uppercase: true))")
            }
            if v == 0x5C { throw .invalidKey(key, reason: "key contains a backslash") }
        }
        if utf8.first == UInt8(ascii: "/") { throw .invalidKey(key, reason: "key starts with '/'") }
        for segment in key.split(separator: "/", omittingEmptySubsequences: false) {
            let decoded = fullyPercentDecoded(Substring(segment))
            let pieces = decoded.split(omittingEmptySubsequences: false) { $0 == "/" || $0 == "\\" }
            if pieces.contains(where: { $0 == "." || $0 == ".." }) || decoded.contains("\0") {
                throw .invalidKey(key, reason: "key has a '\(segment)' path segment (a '.' or '..' once decoded)")
            }
        }
    }

    /// Whether `key` passes `validate`.
    public static func isValid(_ key: String) -> Bool {
        (try? validate(key)) != nil
    }

    /// Percent-decodes until nothing changes (at most a few rounds), to catch `%252e`.
    static func fullyPercentDecoded(_ segment: Substring) -> String {
        var current = String(segment)
        for _ in 0..<4 {
            guard current.contains("%"), let next = current.removingPercentEncoding, next != current else { break }
            current = next
        }
        return current
    }
}

/// Validation of bucket names by S3's rules.
public enum BucketName {
    /// Throws `.invalidBucketName`: 3 to 63 characters of lower-case letters, digits, `.` and
    /// `-`, starting and ending with a letter or digit, no `..`, not shaped like an IP address.
    public static func validate(_ name: String) throws(ObjectStoreError) {
        let bytes = Array(name.utf8)
        guard (3...63).contains(bytes.count) else {
            throw .invalidBucketName(name, reason: "must be 3 to 63 characters long")
        }
        for b in bytes {
            let ok = (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39) || b == 0x2E || b == 0x2D
            if !ok { throw .invalidBucketName(name, reason: "only lower-case letters, digits, '.' and '-' are allowed") }
        }
        func alnum(_ b: UInt8) -> Bool { (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39) }
        guard alnum(bytes.first!), alnum(bytes.last!) else {
            throw .invalidBucketName(name, reason: "must start and end with a letter or digit")
        }
        if name.contains("..") { throw .invalidBucketName(name, reason: "must not contain '..'") }
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        if parts.count == 4, parts.allSatisfy({ UInt8($0) != nil }) {
            throw .invalidBucketName(name, reason: "must not be formatted as an IP address")
        }
    }

    public static func isValid(_ name: String) -> Bool {
        (try? validate(name)) != nil
    }
}

import Foundation
