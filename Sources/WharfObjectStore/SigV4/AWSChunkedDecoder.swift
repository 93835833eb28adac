import Crypto
import Foundation
import NIOCore

/// Incremental decoder of `Content-Encoding: aws-chunked` bodies (as the AWS CLI and SDKs send
/// them): yields the payload as slices of the input without copying, checks each chunk's
/// signature when it ends and the checksum trailer when the body ends.
public struct AWSChunkedDecoder: Sendable {
    enum State {
        case header
        case data(remaining: Int)
        case dataEnd(lastChunk: Bool)
        case trailer
        case done
    }

    private var state = State.header
    private var line: [UInt8] = []
    private var lineSawCR = false
    private let signing: ChunkSigningContext?
    private var previousSignature: String
    private let hasTrailer: Bool
    private var chunkHash = SHA256()
    private var chunkSignature: String?
    private var trailerLines: [String] = []
    private var checksum: TrailerChecksum?
    public private(set) var decodedLength: Int64 = 0

    static let maximumLineLength = 4096

    /// `signing` nil for unsigned chunks; `trailerHeader` is the request's `x-amz-trailer`.
    public init(signing: ChunkSigningContext?, hasTrailer: Bool, trailerHeader: String?) {
        self.signing = signing
        self.previousSignature = signing?.seedSignature ?? ""
        self.hasTrailer = hasTrailer
        self.checksum = trailerHeader.flatMap { TrailerChecksum(headerName: $0.trimmingCharacters(in: .whitespaces).lowercased()) }
    }

    /// Consumes `input` entirely and returns the payload slices it held.
    public mutating func decode(_ input: inout ByteBuffer) throws(SigV4Error) -> [ByteBuffer] {
        var output: [ByteBuffer] = []
        while input.readableBytes > 0 {
            switch state {
            case .header, .trailer:
                guard let text = try readLine(&input) else { continue }
                if case .header = state { try startChunk(text) } else { try trailerLine(text) }
            case .data(let remaining):
                let n = min(remaining, input.readableBytes)
                let slice = input.readSlice(length: n)!
                slice.withUnsafeReadableBytes { raw in
                    if signing != nil { chunkHash.update(bufferPointer: raw) }
                    checksum?.update(raw)
                }
                decodedLength += Int64(n)
                output.append(slice)
                if n == remaining {
                    try endChunk()
                    state = .dataEnd(lastChunk: false)
                } else {
                    state = .data(remaining: remaining - n)
                }
            case .dataEnd(let lastChunk):
                guard let text = try readLine(&input) else { continue }
                guard text.isEmpty else { throw .invalidChunk("chunk data is longer than its declared size") }
                state = lastChunk ? .done : .header
            case .done:
                throw .invalidChunk("bytes after the final chunk")
            }
        }
        return output
    }

    /// Call at the end of the body: throws when the final chunk or trailer never came.
    public func finish() throws(SigV4Error) {
        switch state {
        case .done: return
        case .dataEnd(lastChunk: true): return
        default: throw .incompleteBody
        }
    }

    private mutating func readLine(_ input: inout ByteBuffer) throws(SigV4Error) -> String? {
        while let byte = input.readInteger(as: UInt8.self) {
            if lineSawCR {
                guard byte == UInt8(ascii: "\n") else { throw .invalidChunk("CR not followed by LF") }
                lineSawCR = false
                let text = String(decoding: line, as: UTF8.self)
                line.removeAll(keepingCapacity: true)
                return text
            }
            if byte == UInt8(ascii: "\r") {
                lineSawCR = true
            } else {
                line.append(byte)
                if line.count > Self.maximumLineLength { throw .invalidChunk("header line longer than \(Self.maximumLineLength) bytes") }
            }
        }
        return nil
    }

    private mutating func startChunk(_ text: String) throws(SigV4Error) {
        let parts = text.split(separator: ";", maxSplits: 1)
        guard let sizeText = parts.first, sizeText.utf8.count <= 15, let size = Int(sizeText, radix: 16), size >= 0 else {
            throw .invalidChunk("chunk size '\(text.prefix(40))' is not hexadecimal")
        }
        if signing != nil {
            guard parts.count == 2, parts[1].hasPrefix("chunk-signature=") else {
                throw .invalidChunk("chunk header has no chunk-signature")
            }
            chunkSignature = String(parts[1].dropFirst("chunk-signature=".count))
        }
        chunkHash = SHA256()
        if size == 0 {
            try endChunk()
            state = hasTrailer ? .trailer : .dataEnd(lastChunk: true)
        } else {
            state = .data(remaining: size)
        }
    }

    private mutating func endChunk() throws(SigV4Error) {
        guard let signing, let given = chunkSignature else { return }
        let dataHash = chunkHash.finalize().hexString
        let stringToSign = "AWS4-HMAC-SHA256-PAYLOAD\n\(signing.timestamp)\n\(signing.scope)\n\(previousSignature)\n\(SigV4.emptyPayloadHash)\n\(dataHash)"
        let expected = SigV4.signature(signingKey: signing.signingKey, stringToSign: stringToSign)
        guard constantTimeEqual(expected, given) else { throw .chunkSignatureMismatch }
        previousSignature = expected
        chunkSignature = nil
    }

    private mutating func trailerLine(_ text: String) throws(SigV4Error) {
        if !text.isEmpty {
            trailerLines.append(text)
            guard trailerLines.count <= 16 else { throw .invalidChunk("too many trailer lines") }
            return
        }
        var signature: String?
        var canonical = ""
        for line in trailerLines {
            guard let colon = line.firstIndex(of: ":") else { throw .invalidChunk("trailer line '\(line.prefix(60))' has no ':'") }
            let name = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            if name == "x-amz-trailer-signature" {
                signature = value
                continue
            }
            canonical += "\(name):\(value)\n"
            if let running = checksum, running.headerName == name {
                guard running.finalBase64() == value else { throw .chunkSignatureMismatch }
            }
        }
        if let signing {
            guard let signature else { throw .invalidChunk("signed trailer has no x-amz-trailer-signature") }
            let stringToSign = "AWS4-HMAC-SHA256-TRAILER\n\(signing.timestamp)\n\(signing.scope)\n\(previousSignature)\n\(SigV4.sha256Hex(Array(canonical.utf8)))"
            let expected = SigV4.signature(signingKey: signing.signingKey, stringToSign: stringToSign)
            guard constantTimeEqual(expected, signature) else { throw .chunkSignatureMismatch }
        }
        state = .done
    }
}

/// The running checksum named by `x-amz-trailer` (`x-amz-checksum-crc32`, `-crc32c`,
/// `-crc64nvme`, `-sha1`, `-sha256`).
struct TrailerChecksum: Sendable {
    enum Kind: Sendable {
        case crc32(UInt32)
        case crc32c(UInt32)
        case crc64nvme(UInt64)
        case sha1(Insecure.SHA1)
        case sha256(SHA256)
    }
    let headerName: String
    var kind: Kind

    init?(headerName: String) {
        self.headerName = headerName
        switch headerName {
        case "x-amz-checksum-crc32": kind = .crc32(0xFFFF_FFFF)
        case "x-amz-checksum-crc32c": kind = .crc32c(0xFFFF_FFFF)
        case "x-amz-checksum-crc64nvme": kind = .crc64nvme(~0)
        case "x-amz-checksum-sha1": kind = .sha1(Insecure.SHA1())
        case "x-amz-checksum-sha256": kind = .sha256(SHA256())
        default: return nil
        }
    }

    mutating func update(_ bytes: UnsafeRawBufferPointer) {
        switch kind {
        case .crc32(let c): kind = .crc32(CRCTables.update32(c, bytes, table: CRCTables.crc32))
        case .crc32c(let c): kind = .crc32c(CRCTables.update32(c, bytes, table: CRCTables.crc32c))
        case .crc64nvme(var c):
            for b in bytes { c = CRCTables.crc64nvme[Int(UInt8(truncatingIfNeeded: c) ^ b)] ^ (c >> 8) }
            kind = .crc64nvme(c)
        case .sha1(var h):
            h.update(bufferPointer: bytes)
            kind = .sha1(h)
        case .sha256(var h):
            h.update(bufferPointer: bytes)
            kind = .sha256(h)
        }
    }

    func finalBase64() -> String {
        func bigEndian<T: FixedWidthInteger>(_ v: T) -> Data { withUnsafeBytes(of: v.bigEndian) { Data($0) } }
        switch kind {
        case .crc32(let c), .crc32c(let c): return bigEndian(~c).base64EncodedString()
        case .crc64nvme(let c): return bigEndian(~c).base64EncodedString()
        case .sha1(let h): return Data(h.finalize()).base64EncodedString()
        case .sha256(let h): return Data(h.finalize()).base64EncodedString()
        }
    }
}

/// Lookup tables of the reflected CRCs S3 accepts as checksums.
enum CRCTables {
    static let crc32 = table32(0xEDB8_8320)
    static let crc32c = table32(0x82F6_3B78)
    static let crc64nvme: [UInt64] = (0..<256).map { i in
        var c = UInt64(i)
        for _ in 0..<8 { c = c & 1 == 1 ? (c >> 1) ^ 0x9A6C_9329_AC4B_C9B5 : c >> 1 }
        return c
    }

    static func table32(_ polynomial: UInt32) -> [UInt32] {
        (0..<256).map { i in
            var c = UInt32(i)
            for _ in 0..<8 { c = c & 1 == 1 ? (c >> 1) ^ polynomial : c >> 1 }
            return c
        }
    }

    static func update32(_ crc: UInt32, _ bytes: UnsafeRawBufferPointer, table: [UInt32]) -> UInt32 {
        var c = crc
        table.withUnsafeBufferPointer { t in
            for b in bytes { c = t[Int(UInt8(truncatingIfNeeded: c) ^ b)] ^ (c >> 8) }
        }
        return c
    }
}
