/// Reads the JSON record of an object file without Foundation's JSONDecoder, which cost about a
/// tenth of a small GET. It understands exactly what `encodedTrailer` writes (a flat object of
/// strings and numbers, with `metadata` an object of strings); anything else returns nil and the
/// caller falls back to JSONDecoder.
extension StoredObject {
    static func parse(_ bytes: UnsafeRawBufferPointer) -> StoredObject? {
        var reader = RecordReader(bytes: bytes)
        var key: String?, size: Int64?, etag: String?, contentType: String?, lastModified: Double?, partNumber: Int?
        var metadata: [String: String] = [:]
        guard reader.consume(UInt8(ascii: "{")) else { return nil }
        if !reader.consume(UInt8(ascii: "}")) {
            repeat {
                guard let name = reader.string(), reader.consume(UInt8(ascii: ":")) else { return nil }
                switch name {
                case "key": key = reader.string()
                case "etag": etag = reader.string()
                case "contentType": contentType = reader.string()
                case "size": size = reader.number().flatMap { Int64(exactly: $0) }
                case "lastModified": lastModified = reader.number()
                case "partNumber": partNumber = reader.number().flatMap { Int(exactly: $0) }
                case "metadata":
                    guard reader.consume(UInt8(ascii: "{")) else { return nil }
                    if !reader.consume(UInt8(ascii: "}")) {
                        repeat {
                            guard let field = reader.string(), reader.consume(UInt8(ascii: ":")), let value = reader.string() else { return nil }
                            metadata[field] = value
                        } while reader.consume(UInt8(ascii: ","))
                        guard reader.consume(UInt8(ascii: "}")) else { return nil }
                    }
                default: return nil
                }
            } while reader.consume(UInt8(ascii: ","))
            guard reader.consume(UInt8(ascii: "}")) else { return nil }
        }
        guard reader.atEnd, let key, let size, let etag, let contentType, let lastModified else { return nil }
        return StoredObject(
            key: key, size: size, etag: etag, contentType: contentType, metadata: metadata,
            lastModified: lastModified, partNumber: partNumber)
    }
}

/// A cursor over JSON text; every method returns nil (or false) on anything unexpected.
private struct RecordReader {
    let bytes: UnsafeRawBufferPointer
    var index = 0

    var atEnd: Bool {
        mutating get {
            skipSpace()
            return index == bytes.count
        }
    }

    mutating func skipSpace() {
        while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x0A || bytes[index] == 0x0D || bytes[index] == 0x09 {
            index += 1
        }
    }

    mutating func consume(_ byte: UInt8) -> Bool {
        skipSpace()
        guard index < bytes.count, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    mutating func string() -> String? {
        guard consume(UInt8(ascii: "\"")) else { return nil }
        var out: [UInt8] = []
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                return String(validating: out, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard index < bytes.count else { return nil }
                let escape = bytes[index]
                index += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(escape)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    guard var scalar = hex4() else { return nil }
                    if (0xD800..<0xDC00).contains(scalar) {
                        guard consumeRaw(UInt8(ascii: "\\")), consumeRaw(UInt8(ascii: "u")), let low = hex4(), (0xDC00..<0xE000).contains(low) else { return nil }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let unicode = Unicode.Scalar(scalar) else { return nil }
                    out.append(contentsOf: Array(String(Character(unicode)).utf8))
                default: return nil
                }
            case 0..<0x20: return nil
            default: out.append(byte)
            }
        }
        return nil
    }

    private mutating func consumeRaw(_ byte: UInt8) -> Bool {
        guard index < bytes.count, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    private mutating func hex4() -> UInt32? {
        guard index + 4 <= bytes.count else { return nil }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            index += 1
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: return nil
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }

    /// A JSON number, read with the standard library's parser.
    mutating func number() -> Double? {
        skipSpace()
        let begin = index
        while index < bytes.count, let byte = Optional(bytes[index]),
            (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+")
                || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E")
        {
            index += 1
        }
        guard index > begin else { return nil }
        return Double(String(decoding: UnsafeRawBufferPointer(rebasing: bytes[begin..<index]), as: UTF8.self))
    }
}
