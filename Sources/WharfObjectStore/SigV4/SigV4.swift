import Crypto
import Foundation

/// Access key id and secret for AWS Signature Version 4.
public struct SigV4Credentials: Sendable, Hashable {
    public var accessKeyId: String
    public var secretAccessKey: String
    /// Temporary credentials' token, sent as `x-amz-security-token`.
    public var sessionToken: String?
    public init(accessKeyId: String, secretAccessKey: String, sessionToken: String? = nil) {
        self.accessKeyId = accessKeyId
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
    }
}

/// The pieces of AWS Signature Version 4 (canonical request, string to sign, signing key,
/// signature), shared by the signer of outgoing requests and the verifier of incoming ones.
public enum SigV4 {
    public static let algorithm = "AWS4-HMAC-SHA256"
    public static let unsignedPayload = "UNSIGNED-PAYLOAD"
    public static let streamingPayload = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"
    public static let streamingPayloadTrailer = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"
    public static let streamingUnsignedPayloadTrailer = "STREAMING-UNSIGNED-PAYLOAD-TRAILER"
    /// Hex SHA-256 of no bytes.
    public static let emptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

    /// `yyyyMMdd'T'HHmmss'Z'` in UTC.
    public static func timestamp(_ date: Date) -> String {
        var time = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&time, &parts)
        func pad(_ v: Int32, _ width: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        return pad(parts.tm_year + 1900, 4) + pad(parts.tm_mon + 1, 2) + pad(parts.tm_mday, 2) + "T"
            + pad(parts.tm_hour, 2) + pad(parts.tm_min, 2) + pad(parts.tm_sec, 2) + "Z"
    }

    /// Parses `yyyyMMdd'T'HHmmss'Z'`.
    public static func parseTimestamp(_ text: String) -> Date? {
        let b = Array(text.utf8)
        guard b.count == 16, b[8] == UInt8(ascii: "T"), b[15] == UInt8(ascii: "Z") else { return nil }
        func number(_ range: Range<Int>) -> Int32? {
            var v: Int32 = 0
            for i in range {
                guard b[i] >= 0x30, b[i] <= 0x39 else { return nil }
                v = v * 10 + Int32(b[i] - 0x30)
            }
            return v
        }
        guard let y = number(0..<4), let mo = number(4..<6), let d = number(6..<8), let h = number(9..<11),
            let mi = number(11..<13), let s = number(13..<15), (1...12).contains(mo), (1...31).contains(d), h < 24, mi < 60, s < 61
        else { return nil }
        var parts = tm()
        parts.tm_year = y - 1900
        parts.tm_mon = mo - 1
        parts.tm_mday = d
        parts.tm_hour = h
        parts.tm_min = mi
        parts.tm_sec = s
        return Date(timeIntervalSince1970: TimeInterval(timegm(&parts)))
    }

    /// `date/region/service/aws4_request`.
    public static func scope(date: String, region: String, service: String) -> String {
        "\(date)/\(region)/\(service)/aws4_request"
    }

    public static func signingKey(secret: String, date: String, region: String, service: String) -> SymmetricKey {
        SigningKeyCache.shared.key(secret: secret, date: date, region: region, service: service)
    }

    /// The four HMACs of a signing key, uncached.
    static func deriveSigningKey(secret: String, date: String, region: String, service: String) -> SymmetricKey {
        var key = SymmetricKey(data: Array(("AWS4" + secret).utf8))
        for part in [date, region, service, "aws4_request"] {
            key = SymmetricKey(data: Array(HMAC<SHA256>.authenticationCode(for: Array(part.utf8), using: key)))
        }
        return key
    }

    public static func signature(signingKey: SymmetricKey, stringToSign: String) -> String {
        HMAC<SHA256>.authenticationCode(for: Array(stringToSign.utf8), using: signingKey).hexString
    }

    public static func sha256Hex(_ bytes: some DataProtocol) -> String {
        SHA256.hash(data: bytes).hexString
    }

    public static func stringToSign(timestamp: String, scope: String, canonicalRequest: String) -> String {
        "\(algorithm)\n\(timestamp)\n\(scope)\n\(sha256Hex(Array(canonicalRequest.utf8)))"
    }

    /// The canonical request; `headers` are (name, value) pairs of the signed headers only.
    public static func canonicalRequest(
        method: String, canonicalURI: String, canonicalQuery: String,
        headers: [(name: String, value: String)], payloadHash: String
    ) -> (request: String, signedHeaders: String) {
        var grouped: [String: [String]] = [:]
        for (name, value) in headers {
            grouped[name.lowercased(), default: []].append(canonicalHeaderValue(value))
        }
        let names = grouped.keys.sorted()
        var text = "\(method)\n\(canonicalURI)\n\(canonicalQuery)\n"
        for name in names {
            text += "\(name):\(grouped[name]!.joined(separator: ","))\n"
        }
        let signed = names.joined(separator: ";")
        text += "\n\(signed)\n\(payloadHash)"
        return (text, signed)
    }

    /// Trims a header value and collapses runs of spaces, as SigV4 asks.
    static func canonicalHeaderValue(_ value: String) -> String {
        // Almost every value is already canonical: no space at either end, no run of spaces, no tab.
        var previousSpace = true
        var canonical = true
        for byte in value.utf8 {
            if byte == 0x09 || (byte == 0x20 && previousSpace) { canonical = false; break }
            previousSpace = byte == 0x20
        }
        if canonical, !previousSpace || value.isEmpty { return value }
        var out = ""
        out.reserveCapacity(value.utf8.count)
        var lastWasSpace = false
        for ch in value.trimmingCharacters(in: .whitespaces) {
            if ch == " " || ch == "\t" {
                if !lastWasSpace { out.append(" ") }
                lastWasSpace = true
            } else {
                out.append(ch)
                lastWasSpace = false
            }
        }
        return out
    }

    /// RFC 3986 encoding of everything but unreserved characters (and `/` when asked).
    public static func uriEncode(_ text: some StringProtocol, encodeSlash: Bool) -> String {
        let hex: [UInt8] = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        for b in text.utf8 {
            let unreserved = (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39)
                || b == UInt8(ascii: "-") || b == UInt8(ascii: "_") || b == UInt8(ascii: ".") || b == UInt8(ascii: "~")
            if unreserved || (!encodeSlash && b == UInt8(ascii: "/")) {
                out.append(b)
            } else {
                out.append(UInt8(ascii: "%"))
                out.append(hex[Int(b >> 4)])
                out.append(hex[Int(b & 0xF)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Percent-decodes (leaving `+` as it is); invalid escapes are kept literally.
    public static func percentDecode(_ text: some StringProtocol) -> String {
        let bytes = Array(text.utf8)
        guard bytes.contains(UInt8(ascii: "%")) else { return String(text) }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        func value(_ c: UInt8) -> UInt8? {
            switch c {
            case 0x30...0x39: c - 0x30
            case 0x41...0x46: c - 0x41 + 10
            case 0x61...0x66: c - 0x61 + 10
            default: nil
            }
        }
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "%"), i + 2 < bytes.count, let hi = value(bytes[i + 1]), let lo = value(bytes[i + 2]) {
                out.append(hi << 4 | lo)
                i += 3
            } else {
                out.append(bytes[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// S3's canonical URI for a raw request path: decoded once, then each byte encoded strictly
    /// (S3 neither normalizes `.`/`//` nor double-encodes).
    public static func canonicalURI(rawPath: String) -> String {
        let path = rawPath.isEmpty ? "/" : rawPath
        return uriEncode(percentDecode(path), encodeSlash: false)
    }

    /// Decoded (name, value) pairs of a raw query string.
    public static func queryItems(_ rawQuery: String) -> [(name: String, value: String)] {
        rawQuery.split(separator: "&", omittingEmptySubsequences: true).map { pair in
            if let eq = pair.firstIndex(of: "=") {
                return (percentDecode(pair[..<eq]), percentDecode(pair[pair.index(after: eq)...]))
            }
            return (percentDecode(pair), "")
        }
    }

    /// Sorted, strictly encoded `name=value&…` from decoded pairs.
    public static func canonicalQuery(_ items: [(name: String, value: String)]) -> String {
        var encoded: [(name: String, value: String)] = items.map { item in
            (uriEncode(item.name, encodeSlash: true), uriEncode(item.value, encodeSlash: true))
        }
        encoded.sort { (a: (name: String, value: String), b: (name: String, value: String)) -> Bool in
            a.name == b.name ? a.value < b.value : a.name < b.name
        }
        return encoded.map { item in item.name + "=" + item.value }.joined(separator: "&")
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
