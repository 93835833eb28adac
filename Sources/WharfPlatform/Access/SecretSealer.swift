import Crypto
import Foundation

/// Encrypts API-key secrets at rest (AES-GCM) with the server key, so SigV4 signatures can be recomputed
/// while a copy of the database alone reveals no secret.
public struct SecretSealer: Sendable {
    private let key: SymmetricKey

    public init(key: SymmetricKey) {
        self.key = key
    }

    /// The server key from `WHARF_SECRET_KEY` (64 hex digits or base64 of 32 bytes) when given,
    /// else from `HOME/server.key`, created with mode 0600 on first use.
    public static func load(secretKey: String?, home: URL) throws -> SecretSealer {
        if let secretKey, !secretKey.isEmpty {
            guard let bytes = decodeKey(secretKey) else {
                throw WharfError.invalid("WHARF_SECRET_KEY", "must be 32 bytes as 64 hex digits or base64")
            }
            return SecretSealer(key: SymmetricKey(data: bytes))
        }
        let path = home.appendingPathComponent("server.key").path
        let manager = FileManager.default
        if manager.fileExists(atPath: path) {
            let text = try String(contentsOfFile: path, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            guard let bytes = decodeKey(text) else {
                throw WharfError.invalid("server.key", "\(path) does not hold a 32-byte key")
            }
            return SecretSealer(key: SymmetricKey(data: bytes))
        }
        try manager.createDirectory(at: home, withIntermediateDirectories: true)
        let key = SymmetricKey(size: .bits256)
        let hex = key.withUnsafeBytes { Data($0) }.map { String(format: "%02x", $0) }.joined()
        guard manager.createFile(atPath: path, contents: Data((hex + "\n").utf8), attributes: [.posixPermissions: 0o600]) else {
            throw WharfError(.internal, "cannot write the server key to \(path)", field: "home")
        }
        return SecretSealer(key: key)
    }

    /// A key for one purpose (e.g. signing page tokens) derived from the server key, so servers sharing
    /// `WHARF_SECRET_KEY` agree on it and it reveals nothing of the sealing key.
    public func derivedKey(purpose: String) -> SymmetricKey {
        HKDF<SHA256>.deriveKey(inputKeyMaterial: key, info: Array("wharf:\(purpose)".utf8), outputByteCount: 32)
    }

    public func seal(_ secret: String) throws -> String {
        try AES.GCM.seal(Data(secret.utf8), using: key).combined!.base64EncodedString()
    }

    public func open(_ sealed: String) throws -> String {
        guard let combined = Data(base64Encoded: sealed) else {
            throw WharfError(.internal, "a stored key secret is not base64")
        }
        do {
            let box = try AES.GCM.SealedBox(combined: combined)
            return String(decoding: try AES.GCM.open(box, using: key), as: UTF8.self)
        } catch {
            throw WharfError(.internal, "a stored key secret cannot be decrypted with this server key (WHARF_SECRET_KEY differs between servers?)")
        }
    }

    private static func decodeKey(_ text: String) -> Data? {
        if text.count == 64, text.allSatisfy(\.isHexDigit) {
            var data = Data(capacity: 32)
            var index = text.startIndex
            while index < text.endIndex {
                let next = text.index(index, offsetBy: 2)
                data.append(UInt8(text[index..<next], radix: 16)!)
                index = next
            }
            return data
        }
        if let data = Data(base64Encoded: text), data.count == 32 { return data }
        return nil
    }
}
