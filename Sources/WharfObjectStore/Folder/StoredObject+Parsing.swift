import WharfJSONText

/// Reads the JSON record of an object file without Foundation's JSONDecoder, which cost about a
/// tenth of a small GET. It understands exactly what `encodedTrailer` writes (a flat object of
/// strings and numbers, with `metadata` an object of strings); anything else returns nil and the
/// caller falls back to JSONDecoder.
extension StoredObject {
    static func parse(_ bytes: UnsafeRawBufferPointer) -> StoredObject? {
        var reader = RecordReader(bytes: bytes)
        var key: String?, size: Int64?, etag: String?, contentType: String?, lastModified: Double?, partNumber: Int?
        var metadata: [String: String] = [:]
        var headers: [String: String]?, checksumAlgorithm: String?, checksumValue: String?, tags: [String: String]?
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
                case "checksumAlgorithm": checksumAlgorithm = reader.string()
                case "checksumValue": checksumValue = reader.string()
                case "metadata":
                    guard let map = reader.stringMap() else { return nil }
                    metadata = map
                case "headers":
                    guard let map = reader.stringMap() else { return nil }
                    headers = map
                case "tags":
                    guard let map = reader.stringMap() else { return nil }
                    tags = map
                default: return nil
                }
            } while reader.consume(UInt8(ascii: ","))
            guard reader.consume(UInt8(ascii: "}")) else { return nil }
        }
        guard reader.atEnd, let key, let size, let etag, let contentType, let lastModified else { return nil }
        return StoredObject(
            key: key, size: size, etag: etag, contentType: contentType, metadata: metadata,
            lastModified: lastModified, partNumber: partNumber, headers: headers,
            checksumAlgorithm: checksumAlgorithm, checksumValue: checksumValue, tags: tags)
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

    /// A flat JSON object of strings.
    mutating func stringMap() -> [String: String]? {
        guard consume(UInt8(ascii: "{")) else { return nil }
        var map: [String: String] = [:]
        if consume(UInt8(ascii: "}")) { return map }
        repeat {
            guard let field = string(), consume(UInt8(ascii: ":")), let value = string() else { return nil }
            map[field] = value
        } while consume(UInt8(ascii: ","))
        guard consume(UInt8(ascii: "}")) else { return nil }
        return map
    }

    mutating func consume(_ byte: UInt8) -> Bool {
        skipSpace()
        guard index < bytes.count, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    mutating func string() -> String? {
        skipSpace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: "\""),
            let (text, end) = try? JSONStringLiteral.decode(bytes, openingQuoteAt: index)
        else { return nil }
        index = end
        return text
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
