/// One bit per row saying whether the value is present; a column without a bitmap has no nulls.
public struct ValidityBitmap: Sendable, Equatable {
    @usableFromInline var words: [UInt64]
    /// Bit index of row 0 inside `words`, so slicing rows shares the words instead of copying them.
    @usableFromInline var offset: Int
    public private(set) var count: Int

    /// A bitmap of `count` rows, all valid or all null.
    public init(count: Int, allValid: Bool = true) {
        let fill: UInt64 = allValid ? ~0 : 0
        words = [UInt64](repeating: fill, count: (count + 63) >> 6)
        offset = 0
        self.count = count
    }

    /// A bitmap over `words` as built by a reader: bit i of the words is row i, set when the row holds a value.
    init(words: [UInt64], count: Int) {
        precondition(words.count == (count + 63) >> 6, "\(words.count) words for \(count) rows")
        self.words = words
        offset = 0
        self.count = count
    }

    /// A bitmap from one flag per row.
    public init<S: Sequence>(_ flags: S) where S.Element == Bool {
        var bits = ValidityBitmap(count: 0)
        for f in flags { bits.append(f) }
        self = bits
    }

    @inlinable public subscript(row: Int) -> Bool {
        get {
            let b = row + offset
            return words[b >> 6] & (1 << UInt64(b & 63)) != 0
        }
        set {
            let b = row + offset
            if newValue { words[b >> 6] |= 1 << UInt64(b & 63) } else { words[b >> 6] &= ~(1 << UInt64(b & 63)) }
        }
    }

    public mutating func append(_ valid: Bool) {
        let b = count + offset
        if b >> 6 >= words.count { words.append(0) }
        count += 1
        self[count - 1] = valid
    }

    /// Appends `n` rows, all valid or all null, a word at a time.
    mutating func append(repeating valid: Bool, count n: Int) {
        var left = n
        while left > 0 && (count + offset) & 63 != 0 {
            append(valid)
            left -= 1
        }
        dropWordsPastEnd()
        let fill: UInt64 = valid ? ~0 : 0
        words.append(contentsOf: repeatElement(fill, count: (left + 63) >> 6))
        count += left
    }

    /// Appends the rows of `other`, a word at a time.
    mutating func append(contentsOf other: ValidityBitmap) {
        var row = 0
        while row < other.count && (count + offset) & 63 != 0 {
            append(other[row])
            row += 1
        }
        // Now the next row starts a word: whole words of `other` from `row` on, shifted into place.
        let left = other.count - row
        guard left > 0 else { return }
        dropWordsPastEnd()
        let start = other.offset + row
        let shift = UInt64(start & 63)
        var w = start >> 6
        for _ in 0..<((left + 63) >> 6) {
            var word = other.words[w] >> shift
            if shift != 0, w + 1 < other.words.count { word |= other.words[w + 1] << (64 - shift) }
            words.append(word)
            w += 1
        }
        count += left
    }

    /// Words after the one holding the last row (a slice shares its parent's) go, so rows can be appended by word.
    private mutating func dropWordsPastEnd() {
        let used = (count + offset + 63) >> 6
        if words.count > used { words.removeLast(words.count - used) }
    }

    /// Rows `range` of this bitmap, sharing storage.
    public func slice(_ range: Range<Int>) -> ValidityBitmap {
        var s = self
        s.offset = offset + range.lowerBound
        s.count = range.count
        return s
    }

    /// Number of null rows.
    public var nullCount: Int {
        guard count > 0 else { return 0 }
        var valid = 0
        var bit = offset
        let end = offset + count
        // Leading bits up to a word boundary, whole words by popcount, then the trailing bits.
        while bit < end && bit & 63 != 0 {
            if words[bit >> 6] & (1 << UInt64(bit & 63)) != 0 { valid += 1 }
            bit += 1
        }
        while bit + 64 <= end {
            valid += words[bit >> 6].nonzeroBitCount
            bit += 64
        }
        while bit < end {
            if words[bit >> 6] & (1 << UInt64(bit & 63)) != 0 { valid += 1 }
            bit += 1
        }
        return count - valid
    }

    public static func == (a: ValidityBitmap, b: ValidityBitmap) -> Bool {
        guard a.count == b.count else { return false }
        for i in 0..<a.count where a[i] != b[i] { return false }
        return true
    }
}
