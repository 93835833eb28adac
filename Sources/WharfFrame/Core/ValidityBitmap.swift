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
