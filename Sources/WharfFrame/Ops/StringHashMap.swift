/// Open-addressing hash map from strings to dense Int32 codes, hashing the UTF-8 bytes with a fast
/// multiply-xor mix (the standard library's seeded SipHash is several times slower for short keys).
struct StringHashMap {
    private var hashes: [UInt64]
    private var slots: [Int32]  // -1 = empty, else index into keys
    private(set) var keys: [String] = []
    private var mask: Int

    init(capacity: Int = 16) {
        var c = 16
        while c < capacity * 2 { c <<= 1 }
        hashes = [UInt64](repeating: 0, count: c)
        slots = [Int32](repeating: -1, count: c)
        mask = c - 1
    }

    var count: Int { keys.count }

    @inline(__always) static func hash(_ s: String) -> UInt64 {
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
        let h = Self.hash(key)
        var i = Int(truncatingIfNeeded: h) & mask
        while true {
            let s = slots[i]
            if s < 0 {
                slots[i] = Int32(keys.count)
                hashes[i] = h
                keys.append(key)
                return Int32(keys.count - 1)
            }
            if hashes[i] == h && keys[Int(s)] == key { return s }
            i = (i + 1) & mask
        }
    }

    /// The code of `key`, or -1 when absent.
    @inline(__always) func find(_ key: String) -> Int32 {
        let h = Self.hash(key)
        var i = Int(truncatingIfNeeded: h) & mask
        while true {
            let s = slots[i]
            if s < 0 { return -1 }
            if hashes[i] == h && keys[Int(s)] == key { return s }
            i = (i + 1) & mask
        }
    }

    private mutating func grow() {
        let oldHashes = hashes, oldSlots = slots
        let c = slots.count * 2
        hashes = [UInt64](repeating: 0, count: c)
        slots = [Int32](repeating: -1, count: c)
        mask = c - 1
        for j in 0..<oldSlots.count where oldSlots[j] >= 0 {
            var i = Int(truncatingIfNeeded: oldHashes[j]) & mask
            while slots[i] >= 0 { i = (i + 1) & mask }
            slots[i] = oldSlots[j]
            hashes[i] = oldHashes[j]
        }
    }
}
