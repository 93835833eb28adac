/// A minimal XML element tree for S3's request and response documents (no DTDs, attributes are
/// skipped, namespaces ignored); also the escaping for writing them.
public struct S3XML: Sendable, Hashable {
    public var name: String
    public var text: String
    public var children: [S3XML]

    /// The first child with this name.
    public func child(_ name: String) -> S3XML? { children.first { $0.name == name } }
    /// Every child with this name.
    public func children(_ name: String) -> [S3XML] { children.filter { $0.name == name } }
    /// The text of the first child with this name.
    public func value(_ name: String) -> String? { child(name)?.text }

    /// Parses a document; throws `.invalidArgument(field: "body")` for malformed XML.
    public static func parse(_ bytes: [UInt8]) throws(ObjectStoreError) -> S3XML {
        var parser = Parser(bytes: bytes)
        return try parser.document()
    }

    /// Escapes text for an element body or attribute.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for ch in text.unicodeScalars {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\r": out += "&#13;"
            default: out.unicodeScalars.append(ch)
            }
        }
        return out
    }

    struct Parser {
        let bytes: [UInt8]
        var i = 0

        func fail(_ why: String) -> ObjectStoreError {
            .invalidArgument(field: "body", reason: "malformed XML at byte \(i): \(why)")
        }

        mutating func document() throws(ObjectStoreError) -> S3XML {
            skipMisc()
            guard i < bytes.count, bytes[i] == UInt8(ascii: "<") else { throw fail("no root element") }
            let root = try element(depth: 0)
            skipMisc()
            guard i == bytes.count else { throw fail("content after the root element") }
            return root
        }

        /// Skips whitespace, the XML declaration, processing instructions and comments.
        mutating func skipMisc() {
            while i < bytes.count {
                if isSpace(bytes[i]) {
                    i += 1
                } else if starts("<?") {
                    skip(past: "?>")
                } else if starts("<!--") {
                    skip(past: "-->")
                } else {
                    return
                }
            }
        }

        func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }

        func starts(_ text: String) -> Bool {
            let t = Array(text.utf8)
            return i + t.count <= bytes.count && bytes[i..<(i + t.count)].elementsEqual(t)
        }

        mutating func skip(past text: String) {
            while i < bytes.count && !starts(text) { i += 1 }
            i = min(bytes.count, i + text.utf8.count)
        }

        mutating func name() throws(ObjectStoreError) -> String {
            let start = i
            while i < bytes.count, !isSpace(bytes[i]), bytes[i] != UInt8(ascii: ">"), bytes[i] != UInt8(ascii: "/") { i += 1 }
            guard i > start else { throw fail("empty element name") }
            let full = String(decoding: bytes[start..<i], as: UTF8.self)
            if let colon = full.lastIndex(of: ":") { return String(full[full.index(after: colon)...]) }
            return full
        }

        mutating func element(depth: Int) throws(ObjectStoreError) -> S3XML {
            guard depth < 32 else { throw fail("nesting deeper than 32") }
            i += 1
            var node = S3XML(name: try name(), text: "", children: [])
            // Attributes are skipped, minding quoted '>'.
            var quote: UInt8? = nil
            while i < bytes.count {
                let b = bytes[i]
                if let q = quote {
                    if b == q { quote = nil }
                } else if b == UInt8(ascii: "\"") || b == UInt8(ascii: "'") {
                    quote = b
                } else if b == UInt8(ascii: ">") {
                    break
                }
                i += 1
            }
            guard i < bytes.count else { throw fail("unterminated start tag") }
            if bytes[i - 1] == UInt8(ascii: "/") {
                i += 1
                return node
            }
            i += 1
            var text: [UInt8] = []
            while i < bytes.count {
                if starts("</") {
                    i += 2
                    let closing = try name()
                    guard closing == node.name else { throw fail("</\(closing)> closes <\(node.name)>") }
                    while i < bytes.count && isSpace(bytes[i]) { i += 1 }
                    guard i < bytes.count, bytes[i] == UInt8(ascii: ">") else { throw fail("unterminated end tag") }
                    i += 1
                    node.text = try decodeEntities(text)
                    return node
                } else if starts("<!--") {
                    skip(past: "-->")
                } else if starts("<![CDATA[") {
                    i += 9
                    let start = i
                    skip(past: "]]>")
                    text.append(contentsOf: bytes[start..<max(start, i - 3)])
                } else if bytes[i] == UInt8(ascii: "<") {
                    node.children.append(try element(depth: depth + 1))
                } else {
                    text.append(bytes[i])
                    i += 1
                }
            }
            throw fail("<\(node.name)> is never closed")
        }

        func decodeEntities(_ raw: [UInt8]) throws(ObjectStoreError) -> String {
            guard raw.contains(UInt8(ascii: "&")) else { return String(decoding: raw, as: UTF8.self) }
            var out: [UInt8] = []
            var j = 0
            while j < raw.count {
                guard raw[j] == UInt8(ascii: "&") else {
                    out.append(raw[j])
                    j += 1
                    continue
                }
                guard let end = raw[j...].firstIndex(of: UInt8(ascii: ";")), end - j <= 10 else { throw fail("unterminated entity") }
                let entity = String(decoding: raw[(j + 1)..<end], as: UTF8.self)
                switch entity {
                case "amp": out.append(UInt8(ascii: "&"))
                case "lt": out.append(UInt8(ascii: "<"))
                case "gt": out.append(UInt8(ascii: ">"))
                case "quot": out.append(UInt8(ascii: "\""))
                case "apos": out.append(UInt8(ascii: "'"))
                default:
                    let number: UInt32?
                    if entity.hasPrefix("#x") { number = UInt32(entity.dropFirst(2), radix: 16) }
                    else if entity.hasPrefix("#") { number = UInt32(entity.dropFirst()) }
                    else { number = nil }
                    guard let number, let scalar = Unicode.Scalar(number) else { throw fail("unknown entity &\(entity);") }
                    out.append(contentsOf: Array(String(Character(scalar)).utf8))
                }
                j = end + 1
            }
            return String(decoding: out, as: UTF8.self)
        }
    }
}
