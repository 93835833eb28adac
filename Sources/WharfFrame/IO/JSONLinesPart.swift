#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One newline-aligned part of a JSON Lines file read straight into column builders: a record's keys are matched
/// byte for byte against the keys records before it had at the same place (records of a file share their keys),
/// and its values go into the typed arrays of their columns, so no key and no number becomes an object.
struct JSONLinesPart {
    /// A key seen in some object at one level of nesting, kept as UTF-8 bytes in `keyBytes`.
    struct KnownKey {
        var start: Int
        var length: Int
        /// The first eight bytes (zero after the key's end), little-endian.
        var head: UInt64
        /// Whether the key is spelt in the file as its bytes (no quote, backslash or control character), so a
        /// record's key can be matched against it without finding the key's end first.
        var plain: Bool
        /// The column a plain value under this key goes to, -1 until one is seen.
        var column = -1
        /// The level an object under this key is flattened through, -1 until one is seen.
        var level = -1
        /// The next key of the same level, in a ring.
        var next = 0
    }

    /// The keys of objects at one place in the records (the top level, or under one flattened key).
    struct KeyLevel {
        /// The key expected next: after a key matches, the one that followed it when it was added.
        var expected = -1
        var last = -1
    }

    /// Where a record went wrong, counted from the start of the part.
    struct Failure: Error {
        var line: Int
        var column: Int
        var message: String
    }

    let separator: String?
    var builders: [JSONColumnBuilder] = []
    var columnOfName: [String: Int] = [:]
    var keys: [KnownKey] = []
    var keyBytes: [UInt8] = []
    var levels = [KeyLevel()]
    /// What column names at each level start with: "" at the top, "value." under `value`.
    var prefixes = [""]
    var rows = 0
    /// Lines the part spans (newlines in it).
    var lines = 0
    /// Rows the part is expected to hold, from the length of its first lines; 0 until estimated.
    var expectedRows = 0

    init(nested: JSONReader.Nested) {
        if case .flatten(let sep) = nested { separator = sep } else { separator = nil }
    }

    /// Reads the lines of `range`; a blank line is skipped, any other must hold one JSON object.
    mutating func read(_ b: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) throws(Failure) {
        let base = b.baseAddress!
        var line = 1
        var pos = range.lowerBound
        while pos < range.upperBound {
            let end: Int
            if let nl = memchr(base + pos, 10, range.upperBound - pos) {
                end = UnsafePointer<UInt8>(nl.assumingMemoryBound(to: UInt8.self)) - base
            } else {
                end = range.upperBound
            }
            var p = JSONParser(UnsafeBufferPointer(start: base + pos, count: end - pos))
            p.skipSpace()
            if p.pos < end - pos {
                do throws(JSONParser.Failure) {
                    guard p.bytes[p.pos] == UInt8(ascii: "{") else { throw JSONParser.Failure(message: "expected a JSON object", offset: 0) }
                    try object(&p, level: 0, depth: 0)
                    rows += 1
                    p.skipSpace()
                    guard p.pos == end - pos else { throw p.fail("text after the record") }
                } catch {
                    throw Failure(line: line, column: error.offset + 1, message: error.message)
                }
            }
            if end < range.upperBound { line += 1 }
            pos = end + 1
            if rows == 256 && expectedRows == 0 {
                // Records of a file are much alike: the arrays are sized once for the part's length, not doubled.
                expectedRows = (range.count / Swift.max(1, pos - range.lowerBound) + 1) * 256 * 9 / 8
                for j in builders.indices { builders[j].reserve(rows: expectedRows) }
            }
        }
        lines = line - 1
    }

    /// Every column `rows` long.
    mutating func padColumns() {
        for j in builders.indices { builders[j].pad(to: rows) }
    }

    /// One object (the parser is at its `{`): its plain values go to their columns, nested objects are flattened
    /// through the next level when flattening.
    private mutating func object(_ p: inout JSONParser, level: Int, depth: Int) throws(JSONParser.Failure) {
        guard depth < 512 else { throw p.fail("nesting deeper than 512 levels") }
        let n = p.bytes.count
        p.pos += 1
        p.skipSpace()
        if p.pos < n, p.bytes[p.pos] == UInt8(ascii: "}") { p.pos += 1; return }
        while true {
            p.skipSpace()
            guard p.pos < n, p.bytes[p.pos] == 34 else { throw p.fail("expected a quoted key") }
            let k = try key(&p, level: level)
            p.skipSpace()
            guard p.pos < n, p.bytes[p.pos] == UInt8(ascii: ":") else {
                throw p.fail("expected ':' after key \"\(keyText(k))\"")
            }
            p.pos += 1
            p.skipSpace()
            if p.pos < n, p.bytes[p.pos] == UInt8(ascii: "{"), separator != nil {
                try object(&p, level: childLevel(k, of: level), depth: depth + 1)
            } else {
                try value(&p, into: column(k, of: level), depth: depth + 1)
            }
            p.skipSpace()
            guard p.pos < n else { throw p.fail("unexpected end of input inside an object") }
            if p.bytes[p.pos] == UInt8(ascii: ",") { p.pos += 1; continue }
            if p.bytes[p.pos] == UInt8(ascii: "}") { p.pos += 1; return }
            throw p.fail("expected ',' or '}' in an object")
        }
    }

    /// The value at the parser into builder `j`, for the current row.
    private mutating func value(_ p: inout JSONParser, into j: Int, depth: Int) throws(JSONParser.Failure) {
        guard depth < 512 else { throw p.fail("nesting deeper than 512 levels") }
        guard p.pos < p.bytes.count else { throw p.fail("unexpected end of input, expected a value") }
        builders[j].moveTo(row: rows)
        switch p.bytes[p.pos] {
        case 34:
            builders[j].append(try string(&p))
        case UInt8(ascii: "t"): try p.literal("true"); builders[j].append(true)
        case UInt8(ascii: "f"): try p.literal("false"); builders[j].append(false)
        case UInt8(ascii: "n"): try p.literal("null"); builders[j].appendNull()
        case UInt8(ascii: "N"): try p.literal("NaN"); builders[j].appendNull()
        case UInt8(ascii: "["), UInt8(ascii: "{"):
            let v = try p.value(depth: depth)
            switch RecordColumns.value(v) {
            case .list(let items): builders[j].append(list: items)
            case .string(let text): builders[j].append(json: text)
            default: builders[j].appendNull()
            }
        default:
            switch try p.number() {
            case .int(let i): builders[j].append(i)
            case .double(let d): builders[j].append(d)
            default: builders[j].appendNull()
            }
        }
    }

    /// A string value (the parser is at its opening quote).
    private func string(_ p: inout JSONParser) throws(JSONParser.Failure) -> String {
        let start = p.pos + 1
        let end = JSONLinesPart.plainEnd(p.bytes, from: start)
        if end < p.bytes.count, p.bytes[end] == 34 {
            p.pos = end + 1
            return String(decoding: UnsafeBufferPointer(start: p.bytes.baseAddress! + start, count: end - start), as: UTF8.self)
        }
        return try p.string()
    }

    /// The index of the first byte from `i` that ends a string's plain run: a quote, a backslash or a control
    /// character (or the end). Eight bytes at a time: a byte is flagged when it equals `"` or `\`, or is below 0x20;
    /// the lowest flag is exact (the borrow that can flag a byte wrongly only runs upward from a flagged byte).
    @inline(__always) static func plainEnd(_ b: UnsafeBufferPointer<UInt8>, from i: Int) -> Int {
        let base = b.baseAddress!
        var i = i
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        while i + 8 <= b.count {
            let w = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
            let q = w ^ (ones &* 0x22), s = w ^ (ones &* 0x5C)
            let flags = ((q &- ones) & ~q | (s &- ones) & ~s | (w &- ones &* 0x20) & ~w) & highs
            if flags != 0 { return i + flags.trailingZeroBitCount >> 3 }
            i += 8
        }
        while i < b.count {
            let c = b[i]
            if c == 34 || c == 92 || c < 0x20 { return i }
            i += 1
        }
        return i
    }

    /// The key at the parser (at its opening quote) among the keys known at `level`, added when new.
    @inline(__always) private mutating func key(_ p: inout JSONParser, level: Int) throws(JSONParser.Failure) -> Int {
        let start = p.pos + 1
        // The key that followed the last one matched, then a few after it, compared in place: the bytes, then the
        // closing quote.
        let expected = levels[level].expected
        if expected >= 0, start + 8 <= p.bytes.count {
            let word = UnsafeRawPointer(p.bytes.baseAddress! + start).loadUnaligned(as: UInt64.self)
            var i = expected
            for _ in 0..<6 {
                let known = keys[i]
                let n = known.length
                let mask: UInt64 = n >= 8 ? ~0 : (1 << UInt64(n * 8)) &- 1
                if word & mask == known.head, known.plain, n <= 8, start + n < p.bytes.count, p.bytes[start + n] == 34 {
                    p.pos = start + n + 1
                    levels[level].expected = known.next
                    return i
                }
                i = known.next
                if i == expected { break }
            }
        }
        return try anyKey(&p, level: level)
    }

    private mutating func anyKey(_ p: inout JSONParser, level: Int) throws(JSONParser.Failure) -> Int {
        let start = p.pos + 1
        let end = JSONLinesPart.plainEnd(p.bytes, from: start)
        if end < p.bytes.count, p.bytes[end] == 34 {
            p.pos = end + 1
            return find(UnsafeBufferPointer(start: p.bytes.baseAddress! + start, count: end - start), level: level)
        }
        var text = try p.string()
        return text.withUTF8 { find($0, level: level) }
    }

    private mutating func find(_ k: UnsafeBufferPointer<UInt8>, level: Int) -> Int {
        let first = levels[level].expected
        if first >= 0 {
            var i = first
            repeat {
                let known = keys[i]
                if known.length == k.count,
                   keyBytes.withUnsafeBufferPointer({ memcmp($0.baseAddress! + known.start, k.baseAddress!, k.count) == 0 }) {
                    levels[level].expected = known.next
                    return i
                }
                i = known.next
            } while i != first
        }
        let i = keys.count
        var head: UInt64 = 0
        for (b, byte) in k.prefix(8).enumerated() { head |= UInt64(byte) << UInt64(b * 8) }
        let plain = !k.contains { $0 == 34 || $0 == 92 || $0 < 0x20 }
        keys.append(KnownKey(start: keyBytes.count, length: k.count, head: head, plain: plain))
        keyBytes.append(contentsOf: k)
        if first < 0 {
            keys[i].next = i
        } else {
            let last = levels[level].last
            keys[i].next = keys[last].next
            keys[last].next = i
        }
        levels[level].last = i
        levels[level].expected = keys[i].next
        return i
    }

    private func keyText(_ k: Int) -> String {
        keyBytes.withUnsafeBufferPointer {
            String(decoding: UnsafeBufferPointer(rebasing: $0[keys[k].start..<(keys[k].start + keys[k].length)]), as: UTF8.self)
        }
    }

    /// The column of plain values under key `k`. Names go through a dictionary of strings once per new key, so a
    /// flattened name equal to a plain key (or the same text spelt with other code points) is the same column.
    private mutating func column(_ k: Int, of level: Int) -> Int {
        let j = keys[k].column
        if j >= 0 { return j }
        let name = prefixes[level] + keyText(k)
        let found: Int
        if let known = columnOfName[name] {
            found = known
        } else {
            found = builders.count
            columnOfName[name] = found
            builders.append(JSONColumnBuilder(name: name))
            if expectedRows > 0 { builders[found].reserve(rows: expectedRows) }
        }
        keys[k].column = found
        return found
    }

    private mutating func childLevel(_ k: Int, of level: Int) -> Int {
        let l = keys[k].level
        if l >= 0 { return l }
        levels.append(KeyLevel())
        prefixes.append(prefixes[level] + keyText(k) + separator!)
        keys[k].level = levels.count - 1
        return levels.count - 1
    }
}
