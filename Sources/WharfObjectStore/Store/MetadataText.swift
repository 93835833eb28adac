import Foundation

/// User metadata values in headers: non-ASCII text travels RFC 2047-encoded (`=?UTF-8?B?...?=`), as S3 returns it.
public enum MetadataText {
    /// The value as a header may carry it: printable ASCII as is, anything else as one RFC 2047 encoded word.
    public static func headerValue(_ value: String) -> String {
        if value.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return value }
        return "=?UTF-8?B?" + Data(value.utf8).base64EncodedString() + "?="
    }

    /// The text of a value that is one RFC 2047 encoded word in UTF-8 (B or Q); any other value as it is.
    public static func decode(_ value: String) -> String {
        guard value.hasPrefix("=?"), value.hasSuffix("?="), value.utf8.count > 4 else { return value }
        let inner = value.dropFirst(2).dropLast(2)
        let parts = inner.split(separator: "?", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].lowercased() == "utf-8" else { return value }
        switch parts[1].uppercased() {
        case "B":
            guard let data = Data(base64Encoded: String(parts[2])), let text = String(data: data, encoding: .utf8) else { return value }
            return text
        case "Q":
            var bytes: [UInt8] = []
            var iterator = Array(parts[2].utf8).makeIterator()
            while let b = iterator.next() {
                if b == UInt8(ascii: "_") {
                    bytes.append(0x20)
                } else if b == UInt8(ascii: "="), let hi = iterator.next(), let lo = iterator.next(),
                    let byte = UInt8(String(decoding: [hi, lo], as: UTF8.self), radix: 16)
                {
                    bytes.append(byte)
                } else {
                    bytes.append(b)
                }
            }
            return String(validating: bytes, as: UTF8.self) ?? value
        default: return value
        }
    }
}
