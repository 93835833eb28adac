/// Open-addressing hash map from Int64 keys to dense Int32 codes: the hot path of group-by and joins on integer keys.
struct Int64HashMap {
    private var keys: [Int64]
    private var codes: [Int32]  // -1 = empty slot
    private var mask: Int
    private(set) var count = 0

    init(capacity: Int = 16) {
        var c = 16
        while c < capacity * 2 { c <<= 1 }
        keys = [Int64](repeating: 0, count: c)
        codes = [Int32](repeating: -1, count: c)
        mask = c - 1
    }

    @inline(__always) private static func hash(_ k: Int64) -> Int {
        var x = UInt64(bitPattern: k)
        x = (x ^ (x >> 30)) &* 0xbf58476d1ce4e5b9
        x = (x ^ (x >> 27)) &* 0x94d049bb133111eb
        return Int(truncatingIfNeeded: x ^ (x >> 31))
    }

    /// The code of `key`, inserting it with the next code when new.
    @inline(__always) mutating func code(for key: Int64) -> Int32 {
        if count * 2 >= codes.count { grow() }
        var i = Self.hash(key) & mask
        while true {
            let c = codes[i]
            if c < 0 {
                keys[i] = key
                codes[i] = Int32(count)
                count += 1
                return Int32(count - 1)
            }
            if keys[i] == key { return c }
            i = (i + 1) & mask
        }
    }

    /// The code of `key`, or -1 when absent.
    @inline(__always) func find(_ key: Int64) -> Int32 {
        var i = Self.hash(key) & mask
        while true {
            let c = codes[i]
            if c < 0 { return -1 }
            if keys[i] == key { return c }
            i = (i + 1) & mask
        }
    }

    /// `code(for:)` for many keys at once (-1 where `valid` says null), with the table's buffers held per block.
    mutating func encodeAll(_ keys: UnsafeBufferPointer<Int64>, into out: UnsafeMutableBufferPointer<Int32>, valid: ValidityBitmap?) {
        let block = 4096
        var start = 0
        while start < keys.count {
            let end = Swift.min(keys.count, start + block)
            // Room for a whole block of new keys, so the table does not grow inside the loop.
            while (count + (end - start)) * 2 >= codes.count { grow() }
            var n = count
            let m = mask
            self.keys.withUnsafeMutableBufferPointer { tk in
                codes.withUnsafeMutableBufferPointer { tc in
                    for i in start..<end {
                        if let valid, !valid[i] { out[i] = -1; continue }
                        let key = keys[i]
                        var j = Self.hash(key) & m
                        while true {
                            let c = tc[j]
                            if c < 0 {
                                tk[j] = key
                                tc[j] = Int32(n)
                                out[i] = Int32(n)
                                n += 1
                                break
                            }
                            if tk[j] == key { out[i] = c; break }
                            j = (j + 1) & m
                        }
                    }
                }
            }
            count = n
            start = end
        }
    }

    /// The keys, indexed by their code.
    func keysByCode() -> [Int64] {
        var out = [Int64](repeating: 0, count: count)
        for j in 0..<codes.count where codes[j] >= 0 { out[Int(codes[j])] = keys[j] }
        return out
    }

    /// `find` for many keys at once (the probe side of a join), with the table's buffers held for the loop.
    func findAll(_ keys: UnsafeBufferPointer<Int64>, into out: UnsafeMutableBufferPointer<Int32>, valid: ValidityBitmap?) {
        keys.withMemoryRebound(to: Int64.self) { k in
            self.keys.withUnsafeBufferPointer { tk in
                codes.withUnsafeBufferPointer { tc in
                    for i in 0..<k.count {
                        if let valid, !valid[i] { out[i] = -1; continue }
                        let key = k[i]
                        var j = Self.hash(key) & mask
                        while true {
                            let c = tc[j]
                            if c < 0 || tk[j] == key { out[i] = c; break }
                            j = (j + 1) & mask
                        }
                    }
                }
            }
        }
    }

    private mutating func grow() {
        let oldKeys = keys, oldCodes = codes
        let c = codes.count * 2
        keys = [Int64](repeating: 0, count: c)
        codes = [Int32](repeating: -1, count: c)
        mask = c - 1
        for j in 0..<oldCodes.count where oldCodes[j] >= 0 {
            var i = Self.hash(oldKeys[j]) & mask
            while codes[i] >= 0 { i = (i + 1) & mask }
            keys[i] = oldKeys[j]
            codes[i] = oldCodes[j]
        }
    }
}
