import Foundation

/// The texts one string column read last in a segment, so a value seen again shares the `String` made for it the
/// first time. Text columns of real files (cities, sources, statuses) repeat a few values: a value longer than 15
/// bytes is a heap allocation when made and a `free` when the frame goes, and even a short one is validated and
/// packed; finding it here is a hash of two words and one compare. A column whose values rarely repeat (an id)
/// stops looking once `trial` values were not found and fewer than that were.
struct CSVTextReuse {
    static let slots = 256
    /// The longest text kept.
    static let width = 64
    static let trial = 1024
    private var bytes: UnsafeMutablePointer<UInt8>?
    private var lengths: UnsafeMutablePointer<Int>?
    private var strings: UnsafeMutablePointer<String>?
    private var misses = 0
    private var hits = 0

    /// Storage for a string column; none for the other columns (their texts are made every time).
    init(active: Bool) {
        guard active else { return }
        bytes = .allocate(capacity: Self.slots * Self.width)
        lengths = .allocate(capacity: Self.slots)
        lengths!.initialize(repeating: -1, count: Self.slots)
        strings = .allocate(capacity: Self.slots)
        strings!.initialize(repeating: "", count: Self.slots)
    }

    mutating func deallocate() {
        bytes?.deallocate()
        lengths?.deallocate()
        strings?.deinitialize(count: Self.slots)
        strings?.deallocate()
        bytes = nil
        lengths = nil
        strings = nil
    }

    /// The text of the `n` bytes at `p` (which has at least 8 readable bytes after it), the same value as
    /// `String(decoding:as: UTF8.self)`, or nil when `isNull` says the bytes are an NA token. A text found here passed
    /// `isNull` when it was kept, so only new texts are checked.
    @inline(__always) mutating func string(_ p: UnsafePointer<UInt8>, _ n: Int,
                                           isNull: (UnsafePointer<UInt8>, Int) -> Bool) -> String? {
        guard let bytes, n <= Self.width, n > 0 else { return isNull(p, n) ? nil : Self.make(p, n) }
        let raw = UnsafeRawPointer(p)
        var a = raw.loadUnaligned(as: UInt64.self)
        let b: UInt64
        if n < 8 {
            a &= (UInt64(1) << UInt64(n &* 8)) &- 1
            b = 0
        } else {
            b = raw.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
        }
        let h = ((a ^ (b &* 0x9E37_79B9_7F4A_7C15) ^ UInt64(n)) &* 0xBF58_476D_1CE4_E5B9) >> 56
        let slot = Int(h)
        let kept = bytes + slot * Self.width
        if lengths![slot] == n, memcmp(kept, p, n) == 0 {
            hits &+= 1
            return strings![slot]
        }
        if isNull(p, n) { return nil }
        let s = Self.make(p, n)
        misses &+= 1
        if misses == Self.trial, hits < misses {
            // Mostly new values: making them is all there is to do.
            deallocate()
            return s
        }
        kept.update(from: p, count: n)
        lengths![slot] = n
        strings![slot] = s
        return s
    }

    @inline(__always) static func make(_ p: UnsafePointer<UInt8>, _ n: Int) -> String {
        String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self)
    }
}
