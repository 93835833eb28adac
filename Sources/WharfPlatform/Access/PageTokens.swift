import Crypto
import Foundation

/// Opaque page tokens: a listing's cursor and an HMAC binding it to the listing it came from (the
/// operation and its filters), so a client can neither edit a token nor replay it in another listing.
public struct PageTokens: Sendable {
    private let key: SymmetricKey

    init(key: SymmetricKey) {
        self.key = key
    }

    private func tag(_ cursor: String, listing: String) -> [UInt8] {
        let message = Array(listing.utf8) + [0] + Array(cursor.utf8)
        return Array(Array(HMAC<SHA256>.authenticationCode(for: message, using: key)).prefix(18))
    }

    /// `base64url(cursor).base64url(tag)`.
    public func token(for cursor: String, listing: String) -> String {
        Self.encode(Array(cursor.utf8)) + "." + Self.encode(tag(cursor, listing: listing))
    }

    /// The cursor of a token issued for `listing`; nil for anything else.
    public func cursor(in token: String, listing: String) -> String? {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let cursorBytes = Self.decode(parts[0]), let tagBytes = Self.decode(parts[1]),
            let cursor = String(validating: cursorBytes, as: UTF8.self)
        else { return nil }
        let expected = tag(cursor, listing: listing)
        guard tagBytes.count == expected.count else { return nil }
        var difference: UInt8 = 0
        for k in 0..<expected.count { difference |= expected[k] ^ tagBytes[k] }
        return difference == 0 ? cursor : nil
    }

    static func encode(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func decode(_ text: Substring) -> [UInt8]? {
        guard text.utf8.allSatisfy({ $0 != UInt8(ascii: "=") }) else { return nil }
        var base = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base.utf8.count % 4 != 0 { base += "=" }
        return Data(base64Encoded: base).map { Array($0) }
    }
}
