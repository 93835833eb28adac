/// Open-addressing hash map from strings to dense Int32 codes.
///
/// Keys of up to 15 UTF-8 bytes (group-by and join keys nearly always are) are handled as the 16 bytes the standard
/// library stores them in inline: the same text gives the same bits, so hashing is two multiplies and equality two
/// compares, with no call into the String. Longer keys hash their UTF-8 bytes with a fast multiply-xor mix (the
/// standard library's seeded SipHash is several times slower for short keys).
struct StringHashMap {
    private var hashes: [UInt64]
    /// Per slot, the inline bits of its key ((0, 0) for a longer key, which no inline string has).
    private var inlineLow: [UInt64]
    private var inlineHigh: [UInt64]
    private var slots: [Int32]  // -1 = empty, else index into keys
    private(set) var keys: [String] = []
    private var mask: Int

    init(capacity: Int = 16) {
        var c = 16
        while c < capacity * 2 { c <<= 1 }
        hashes = [UInt64](repeating: 0, count: c)
        inlineLow = [UInt64](repeating: 0, count: c)
        inlineHigh = [UInt64](repeating: 0, count: c)
        slots = [Int32](repeating: -1, count: c)
        mask = c - 1
    }

    var count: Int { keys.count }

    /// Whether this standard library keeps short strings inline as assumed (UTF-8 in the first word, the
    /// discriminator with bit 61 set and the count in the top byte of the second); when not, every key is hashed
    /// by its bytes.
    private static let inlineLayoutHolds: Bool = {
        let s = String(decoding: Array("k1234".utf8), as: UTF8.self)
        let raw = unsafeBitCast(s, to: (UInt64, UInt64).self)
        return raw.0 == 0x34_3332_316B && raw.1 == 0xE500_0000_0000_0000
    }()

    /// The inline form of a key of at most 15 bytes (a longer-stored short string is copied into that form once);
    /// nil for longer keys.
    @inline(__always) static func inlineBits(_ s: String) -> (UInt64, UInt64)? {
        let raw = unsafeBitCast(s, to: (UInt64, UInt64).self)
        if raw.1 & (1 << 61) != 0, inlineLayoutHolds { return raw }
        return canonicalInlineBits(s)
    }

    private static func canonicalInlineBits(_ s: String) -> (UInt64, UInt64)? {
        guard inlineLayoutHolds, s.utf8.count <= 15 else { return nil }
        let copy = String(decoding: Array(s.utf8), as: UTF8.self)
        let raw = unsafeBitCast(copy, to: (UInt64, UInt64).self)
        return raw.1 & (1 << 61) != 0 ? raw : nil
    }

    @inline(__always) static func hashInline(_ low: UInt64, _ high: UInt64) -> UInt64 {
        var h = (low ^ (high &* 0x9E37_79B9_7F4A_7C15)) &* 0xBF58_476D_1CE4_E5B9
        h ^= h >> 31
        h = h &* 0x94D0_49BB_1331_11EB
        return h ^ (h >> 29)
    }

    static func hashBytes(_ s: String) -> UInt64 {
        var s = s
        return s.withUTF8 { b -> UInt64 in
            let n = b.count
            var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(truncatingIfNeeded: n)
            var i = 0
            if let base = b.baseAddress {
                let raw = UnsafeRawPointer(base)
                while i + 8 <= n {
                    h = (h ^ raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0xBF58_476D_1CE4_E5B9
                    h ^= h >> 29
                    i += 8
                }
                var tail: UInt64 = 0
                var shift: UInt64 = 0
                while i < n {
                    tail |= UInt64(base[i]) << shift
                    shift += 8
                    i += 1
                }
                h = (h ^ tail) &* 0x94D0_49BB_1331_11EB
            }
            h ^= h >> 31
            h = h &* 0xD6E8_FEB8_6659_FD93
            return h ^ (h >> 32)
        }
    }

    /// The code of `key`, inserting it with the next code when new.
    @inline(__always) mutating func code(for key: String) -> Int32 {
        if keys.count * 2 >= slots.count { grow() }
        let bits = Self.inlineBits(key)
        let h = bits.map { Self.hashInline($0.0, $0.1) } ?? Self.hashBytes(key)
        var i = Int(truncatingIfNeeded: h) & mask
        while true {
            let s = slots[i]
            if s < 0 {
                slots[i] = Int32(keys.count)
                hashes[i] = h
                inlineLow[i] = bits?.0 ?? 0
                inlineHigh[i] = bits?.1 ?? 0
                keys.append(key)
                return Int32(keys.count - 1)
            }
            if let bits {
                if inlineLow[i] == bits.0 && inlineHigh[i] == bits.1 { return s }
            } else if hashes[i] == h && keys[Int(s)] == key {
                return s
            }
            i = (i + 1) & mask
        }
    }

    /// The code of `key`, or -1 when absent.
    @inline(__always) func find(_ key: String) -> Int32 {
        let bits = Self.inlineBits(key)
        let h = bits.map { Self.hashInline($0.0, $0.1) } ?? Self.hashBytes(key)
        var i = Int(truncatingIfNeeded: h) & mask
        while true {
            let s = slots[i]
            if s < 0 { return -1 }
            if let bits {
                if inlineLow[i] == bits.0 && inlineHigh[i] == bits.1 { return s }
            } else if hashes[i] == h && keys[Int(s)] == key {
                return s
            }
            i = (i + 1) & mask
        }
    }

    /// `code(for:)` for many keys at once (-1 where `valid` says null): inline keys probe the table's buffers
    /// directly, in blocks for which the table has room.
    mutating func encodeAll(_ strings: UnsafeBufferPointer<String>, into out: UnsafeMutableBufferPointer<Int32>,
                            valid: ValidityBitmap?) {
        let block = 4096
        var start = 0
        while start < strings.count {
            let end = Swift.min(strings.count, start + block)
            while (keys.count + (end - start)) * 2 >= slots.count { grow() }
            var i = start
            while i < end {
                if let valid, !valid[i] { out[i] = -1; i += 1; continue }
                let raw = unsafeBitCast(strings[i], to: (UInt64, UInt64).self)
                guard raw.1 & (1 << 61) != 0, Self.inlineLayoutHolds else {
                    out[i] = code(for: strings[i])
                    i += 1
                    continue
                }
                // Run of inline keys with the buffers held (no uniqueness checks inside the loop).
                let m = mask
                var next = keys.count
                var newKeys: [Int] = []
                let stop: Int = hashes.withUnsafeMutableBufferPointer { th in
                    inlineLow.withUnsafeMutableBufferPointer { tl in
                        inlineHigh.withUnsafeMutableBufferPointer { tg in
                            slots.withUnsafeMutableBufferPointer { ts in
                                var k = i
                                while k < end {
                                    if let valid, !valid[k] { out[k] = -1; k += 1; continue }
                                    let r = unsafeBitCast(strings[k], to: (UInt64, UInt64).self)
                                    if r.1 & (1 << 61) == 0 { break }
                                    let h = Self.hashInline(r.0, r.1)
                                    var j = Int(truncatingIfNeeded: h) & m
                                    while true {
                                        let s = ts[j]
                                        if s < 0 {
                                            ts[j] = Int32(next)
                                            th[j] = h
                                            tl[j] = r.0
                                            tg[j] = r.1
                                            out[k] = Int32(next)
                                            newKeys.append(k)
                                            next += 1
                                            break
                                        }
                                        if tl[j] == r.0 && tg[j] == r.1 { out[k] = s; break }
                                        j = (j + 1) & m
                                    }
                                    k += 1
                                }
                                return k
                            }
                        }
                    }
                }
                for k in newKeys { keys.append(strings[k]) }
                i = stop
            }
            start = end
        }
    }

    private mutating func grow() {
        let oldHashes = hashes, oldSlots = slots, oldLow = inlineLow, oldHigh = inlineHigh
        let c = slots.count * 2
        hashes = [UInt64](repeating: 0, count: c)
        inlineLow = [UInt64](repeating: 0, count: c)
        inlineHigh = [UInt64](repeating: 0, count: c)
        slots = [Int32](repeating: -1, count: c)
        mask = c - 1
        for j in 0..<oldSlots.count where oldSlots[j] >= 0 {
            var i = Int(truncatingIfNeeded: oldHashes[j]) & mask
            while slots[i] >= 0 { i = (i + 1) & mask }
            slots[i] = oldSlots[j]
            hashes[i] = oldHashes[j]
            inlineLow[i] = oldLow[j]
            inlineHigh[i] = oldHigh[j]
        }
    }
}
