/// One field of a CSV record as bytes: either inside the input or, when it had `""` escapes, in a scratch buffer.
struct CSVField {
    var base: UnsafePointer<UInt8>
    var count: Int
    var quoted: Bool
    /// Whether this field ends its record.
    var last: Bool

    var string: String { String(decoding: UnsafeBufferPointer(start: base, count: count), as: UTF8.self) }
}

/// Where a CSV tokenizer found the input malformed, as a byte offset into its buffer.
struct CSVSyntaxError: Error {
    enum Kind { case unterminatedQuote, quoteInUnquotedField, textAfterClosingQuote }
    var kind: Kind
    var offset: Int
}

/// Splits an RFC 4180 byte buffer into fields: `,` (or another delimiter) between fields, `\n` or `\r\n`
/// between records (or `\r` alone in old Mac files, when `newline` is 13), `"` quoting with `""` for a quote inside.
struct CSVTokenizer {
    let buffer: UnsafeBufferPointer<UInt8>
    var position: Int
    let delimiter: UInt8
    let strict: Bool
    let scratch = ByteScratch()
    static let quote: UInt8 = 34
    /// The byte that ends a record: `\n` (a `\r` before it is dropped), or `\r` in files without any `\n`.
    let newline: UInt8
    static let cr: UInt8 = 13

    init(_ buffer: UnsafeBufferPointer<UInt8>, delimiter: UInt8, strict: Bool, newline: UInt8 = 10, position: Int = 0) {
        self.buffer = buffer
        self.newline = newline
        self.delimiter = delimiter
        self.strict = strict
        self.position = position
    }

    var atEnd: Bool { position >= buffer.count }

    /// Skips empty lines (pandas skips blank lines); returns false at the end of the buffer.
    mutating func startRecord() -> Bool {
        let n = buffer.count
        while position < n {
            let c = buffer[position]
            if c == newline { position += 1; continue }
            if c == Self.cr, position + 1 < n, buffer[position + 1] == newline { position += 2; continue }
            return true
        }
        return false
    }

    /// Reads the next field; the caller stops the record when `last` is set.
    @inline(__always) mutating func next() throws(CSVSyntaxError) -> CSVField {
        let base = buffer.baseAddress!
        let n = buffer.count
        var p = position
        if p < n, base[p] == Self.quote { return try quotedField() }
        let start = p
        let d = delimiter
        // Bytes above every special byte (digits and letters, for a comma) need one comparison.
        let ordinary = Swift.max(d, Self.quote, newline)
        while p < n {
            let c = base[p]
            if c > ordinary { p += 1; continue }
            if c == d || c == newline { break }
            if c == Self.quote, strict { throw CSVSyntaxError(kind: .quoteInUnquotedField, offset: p) }
            p += 1
        }
        var len = p - start
        let last = p >= n || base[p] == newline
        if last, len > 0, base[start + len - 1] == Self.cr { len -= 1 }
        position = p + 1
        return CSVField(base: base + start, count: len, quoted: false, last: last)
    }

    mutating func quotedField() throws(CSVSyntaxError) -> CSVField {
        let base = buffer.baseAddress!
        let n = buffer.count
        let open = position
        var p = position + 1
        var segment = p
        var copied = false
        scratch.removeAll()
        while true {
            while p < n, base[p] != Self.quote { p += 1 }
            if p >= n { throw CSVSyntaxError(kind: .unterminatedQuote, offset: open) }
            if p + 1 < n, base[p + 1] == Self.quote {
                scratch.append(base + segment, p + 1 - segment)
                copied = true
                p += 2
                segment = p
                continue
            }
            break
        }
        if copied { scratch.append(base + segment, p - segment) }
        let close = p
        p += 1
        var last = true
        if p < n {
            let c = base[p]
            if c == delimiter { last = false; p += 1 }
            else if c == newline { p += 1 }
            else if c == Self.cr, p + 1 < n, base[p + 1] == newline { p += 2 }
            else if strict { throw CSVSyntaxError(kind: .textAfterClosingQuote, offset: p) }
            else {
                // Lenient: keep the text after the closing quote up to the end of the field.
                if !copied { scratch.append(base + open + 1, close - open - 1); copied = true }
                let rest = p
                while p < n, base[p] != delimiter, base[p] != newline { p += 1 }
                var e = p
                if p < n, base[p] == delimiter { last = false } else if e > rest, base[e - 1] == Self.cr { e -= 1 }
                scratch.append(base + rest, e - rest)
                p += 1
            }
        }
        position = p
        if copied { return CSVField(base: UnsafePointer(scratch.pointer), count: scratch.count, quoted: true, last: last) }
        return CSVField(base: base + open + 1, count: close - open - 1, quoted: true, last: last)
    }
}

/// A growable byte buffer for unescaped quoted fields; its pointer stays valid until the next append.
final class ByteScratch {
    var pointer: UnsafeMutablePointer<UInt8>
    var count = 0
    var capacity: Int

    init() {
        capacity = 256
        pointer = .allocate(capacity: capacity)
    }

    deinit { pointer.deallocate() }

    func removeAll() { count = 0 }

    func append(_ src: UnsafePointer<UInt8>, _ n: Int) {
        if count + n > capacity {
            var c = capacity * 2
            while c < count + n { c *= 2 }
            let np = UnsafeMutablePointer<UInt8>.allocate(capacity: c)
            np.update(from: pointer, count: count)
            pointer.deallocate()
            pointer = np
            capacity = c
        }
        (pointer + count).update(from: src, count: n)
        count += n
    }
}
