/// The trees of a model with numeric splits only, compiled for prediction over one-byte codes (LightGBM's idea):
/// each row's features are first turned into the rank of the value among the thresholds the model uses for that
/// feature, so a node is 8 bytes and a step down a tree is one byte load and one compare, missing values
/// included, with no branch.
///
/// Codes: `1 + (number of thresholds <= x)`, so `x < threshold[j - 1]` exactly when `code <= j`. Every feature has
/// two code slots that differ only for missing values: 0 in the first (below every split, so it goes left) and 255
/// in the second (above every split, at most 254 per feature, so it goes right); a node reads the slot of its
/// default direction. Leaves point to themselves with split 255, which every code satisfies, so walks take a fixed
/// number of steps (the tree's depth) and the rows of a block never branch apart.
///
/// In a block, the top `topLevels` levels of every tree are evaluated 16 rows at a time with vector compares of
/// whole code columns (every node of a level against every row, keeping the node each row is at); only the levels
/// below walk row by row.
struct QuantizedForest: Sendable {
    struct Node: Sendable {
        var left: Int32
        /// Code slot `2 * feature` (plus 1 when missing values go right), times `blockRows`: its offset in a block.
        var offset: UInt16
        /// Codes up to this go left.
        var split: UInt8
        var unused: UInt8 = 0
    }

    /// Per feature, its sorted distinct thresholds padded to 256 with NaN (never `<= x`), for an 8-step search
    /// (at most 254 thresholds, so codes 1...255 leave 0 for missing).
    private(set) var cuts: [Float]
    /// Whether any split uses a feature (codes of the others are never read, so never computed).
    private(set) var used: [Bool]
    /// A shortcut into `cuts`: `(x - origin) * scale` picks one of `buckets` equal slices of the feature's threshold
    /// range, `bucketStarts` holds how many thresholds lie in earlier slices, and `bucketSteps` halvings (0 = no
    /// shortcut: 8 halvings over all thresholds) search the few in the slice. Exact, because the slice of a value is
    /// computed by the same monotone Float operations as the slices of the thresholds.
    private(set) var bucketOrigin: [Float]
    private(set) var bucketScale: [Float]
    private(set) var bucketStarts: [UInt8]
    private(set) var bucketSteps: [UInt8]
    static let buckets = 512
    private(set) var nodes: [Node]
    /// Leaf values by node index (0 at internal nodes).
    private(set) var values: [Double]
    private(set) var roots: [Int32]
    private(set) var depths: [Int32]
    /// Per tree, the top `topLevels` levels as a complete tree (`topNodes` nodes, a leaf repeated down to the last
    /// level with a split every code satisfies): each node's block offset and its split in all 16 lanes, with the top
    /// bit flipped, as the codes are when compared, because SIMD byte compares are signed.
    private(set) var topOffsets: [Int32]
    private(set) var topSplits: [SIMD16<Int8>]
    /// Per tree, the node (index into `nodes`) each of the `topExits` positions below the top levels continues from.
    private(set) var topExits: [Int32]
    let featureCount: Int
    /// Rows per block in `blockMargins` (`1 << blockShift`); codes are stored feature-major per block
    /// (`codes[slot << blockShift + i]`). 128 rows up to 256 features; wider models take smaller blocks (down to
    /// 16, one SIMD group) so every slot's offset still fits a node's 16 bits.
    let blockShift: Int
    var blockRows: Int { 1 << blockShift }

    /// Levels evaluated with vector compares (`walk` spells out these four levels).
    static let topLevels = 4
    static let topNodes = (1 << topLevels) - 1
    static let topExits = 1 << topLevels

    /// Compiles `trees`, or returns nil when they cannot use codes: a categorical split, a NaN threshold, more
    /// than 254 distinct thresholds on one feature, or more than 2,048 features.
    init?(trees: [Tree], featureCount: Int) {
        var shift = 7
        while shift > 4 && (2 * featureCount) << shift > 1 << 16 { shift -= 1 }
        guard (2 * featureCount) << shift <= 1 << 16 else { return nil }
        blockShift = shift
        var thresholds = [[Float]](repeating: [], count: featureCount)
        for tree in trees {
            for node in tree.nodes where !node.isLeaf {
                guard !node.isCategorical, !node.threshold.isNaN, Int(node.feature) < featureCount else { return nil }
                thresholds[Int(node.feature)].append(node.threshold)
            }
        }
        self.featureCount = featureCount
        cuts = [Float](repeating: .nan, count: featureCount * 256)
        used = [Bool](repeating: false, count: featureCount)
        var rank = [[Float: UInt8]](repeating: [:], count: featureCount)
        for f in 0..<featureCount where !thresholds[f].isEmpty {
            let sorted = Array(Set(thresholds[f])).sorted()
            guard sorted.count <= 254 else { return nil }
            thresholds[f] = sorted
            for (j, t) in sorted.enumerated() {
                cuts[f * 256 + j] = t
                rank[f][t] = UInt8(j + 1)
            }
            used[f] = true
        }
        bucketOrigin = [Float](repeating: 0, count: featureCount)
        bucketScale = [Float](repeating: 0, count: featureCount)
        bucketStarts = [UInt8](repeating: 0, count: featureCount * Self.buckets)
        bucketSteps = [UInt8](repeating: 0, count: featureCount)
        for f in 0..<featureCount where used[f] {
            let sorted = thresholds[f]
            // The search window may read 7 slots past a slice's first threshold, which must stay inside the 256.
            guard sorted.count <= 249, sorted.allSatisfy(\.isFinite) else { continue }
            let origin = sorted[0], range = sorted[sorted.count - 1] - origin
            let scale = range > 0 && range.isFinite ? Float(Self.buckets) / range : 0
            guard scale.isFinite else { continue }
            var counts = [Int](repeating: 0, count: Self.buckets)
            for t in sorted { counts[Self.bucket(t, origin: origin, scale: scale)] += 1 }
            let widest = counts.max()!
            guard widest <= 7 else { continue }
            var before = 0
            for b in 0..<Self.buckets {
                bucketStarts[f * Self.buckets + b] = UInt8(before)
                before += counts[b]
            }
            bucketOrigin[f] = origin
            bucketScale[f] = scale
            bucketSteps[f] = widest <= 1 ? 1 : (widest <= 3 ? 2 : 3)
        }
        nodes = []
        values = []
        roots = []
        depths = []
        for tree in trees {
            roots.append(Int32(nodes.count))
            // Breadth-first renumbering that places both children of a node next to each other (right = left + 1).
            var queue: [(old: Int, new: Int, depth: Int)] = [(0, nodes.count, 0)]
            nodes.append(Node(left: 0, offset: 0, split: 0))
            values.append(0)
            var head = 0, depth = 0
            while head < queue.count {
                let (old, new, level) = queue[head]
                head += 1
                let source = tree.nodes[old]
                if source.isLeaf {
                    nodes[new] = Node(left: Int32(new), offset: 0, split: 255)
                    values[new] = source.value
                    depth = max(depth, level)
                    continue
                }
                let left = nodes.count
                nodes.append(Node(left: 0, offset: 0, split: 0))
                nodes.append(Node(left: 0, offset: 0, split: 0))
                values.append(contentsOf: [0, 0])
                let j = rank[Int(source.feature)][source.threshold]!
                let slot = 2 * Int(source.feature) + (source.defaultLeft ? 0 : 1)
                nodes[new] = Node(left: Int32(left), offset: UInt16(slot << shift), split: j)
                queue.append((Int(source.left), left, level + 1))
                queue.append((Int(source.right), left + 1, level + 1))
            }
            depths.append(Int32(depth))
        }
        topOffsets = []
        topSplits = []
        topExits = []
        for root in roots { appendTop(root: Int(root)) }
    }

    private mutating func appendTop(root: Int) {
        var offsets = [Int32](repeating: 0, count: Self.topNodes), splits = [UInt8](repeating: 255, count: Self.topNodes)
        var exits = [Int32](repeating: 0, count: Self.topExits)
        // Complete-tree numbering: node v has children 2v+1 and 2v+2; a leaf stands in for both of its children.
        var at = [Int](repeating: root, count: Self.topNodes + Self.topExits)
        for v in 0..<(Self.topNodes + Self.topExits) {
            let node = nodes[at[v]]
            if v >= Self.topNodes {
                exits[v - Self.topNodes] = Int32(at[v])
                continue
            }
            let isLeaf = Int(node.left) == at[v]
            offsets[v] = Int32(node.offset)
            splits[v] = node.split
            at[2 * v + 1] = isLeaf ? at[v] : Int(node.left)
            at[2 * v + 2] = isLeaf ? at[v] : Int(node.left) + 1
        }
        topOffsets.append(contentsOf: offsets)
        topSplits.append(contentsOf: splits.map { SIMD16<Int8>(repeating: Int8(bitPattern: $0 ^ 0x80)) })
        topExits.append(contentsOf: exits)
    }


    /// Slice of a value (not NaN) among `buckets` equal slices of a feature's threshold range.
    @inline(__always)
    static func bucket(_ x: Float, origin: Float, scale: Float) -> Int {
        let t = (x - origin) * scale
        return Int(max(0, min(t, Float(buckets - 1))))
    }

    /// Code of a non-missing `x` through the slice shortcut with `steps` (1...3) halvings; 0 for NaN's slot to fill.
    @inline(__always)
    static func code(_ x: Float, cuts: UnsafePointer<Float>, starts: UnsafePointer<UInt8>, origin: Float, scale: Float, steps: Int) -> UInt8 {
        var base = Int(starts[bucket(x.isNaN ? origin : x, origin: origin, scale: scale)])
        if steps >= 3 { base &+= cuts[base &+ 3] <= x ? 4 : 0 }
        if steps >= 2 { base &+= cuts[base &+ 1] <= x ? 2 : 0 }
        base &+= cuts[base] <= x ? 1 : 0
        return UInt8(truncatingIfNeeded: base &+ 1)
    }

    /// Code of a non-missing `x` among a feature's thresholds (`cuts` points at its 256 slots): eight branch-free halvings.
    @inline(__always)
    static func code(_ x: Float, cuts: UnsafePointer<Float>) -> UInt8 {
        var base = 0
        base &+= cuts[base &+ 127] <= x ? 128 : 0
        base &+= cuts[base &+ 63] <= x ? 64 : 0
        base &+= cuts[base &+ 31] <= x ? 32 : 0
        base &+= cuts[base &+ 15] <= x ? 16 : 0
        base &+= cuts[base &+ 7] <= x ? 8 : 0
        base &+= cuts[base &+ 3] <= x ? 4 : 0
        base &+= cuts[base &+ 1] <= x ? 2 : 0
        base &+= cuts[base] <= x ? 1 : 0
        return UInt8(truncatingIfNeeded: base &+ 1)
    }

    /// One step down from `index`; `shift` turns a node's block offset into the slot index for a single row's codes.
    @inline(__always)
    static func step(_ nodes: UnsafePointer<Node>, _ index: Int, _ codes: UnsafePointer<UInt8>, shift: Int) -> Int {
        let node = nodes[index]
        // 1 when code > split, by the sign of split - code: arithmetic, so the compiler cannot turn it into a branch.
        let code = UInt32(codes[Int(node.offset) >> shift])
        return Int(node.left) &+ Int((UInt32(node.split) &- code) >> 31)
    }

    /// Adds every tree's leaf value to `out[outputs[t]]` for one row of features; allocates nothing.
    func margins(row: UnsafePointer<Float>, outputs: UnsafePointer<Int32>, into out: UnsafeMutablePointer<Double>) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 2 * max(featureCount, 1)) { codeBuffer in
            let codes = codeBuffer.baseAddress!
            cuts.withUnsafeBufferPointer { cutBuffer in
                used.withUnsafeBufferPointer { usedBuffer in
                    for f in 0..<featureCount {
                        let x = row[f]
                        let code = usedBuffer[f] ? Self.code(x, cuts: cutBuffer.baseAddress! + f * 256) : 0
                        codes[2 * f] = x.isNaN ? 0 : code
                        codes[2 * f + 1] = x.isNaN ? 255 : code
                    }
                }
            }
            nodes.withUnsafeBufferPointer { nodeBuffer in
                values.withUnsafeBufferPointer { valueBuffer in
                    roots.withUnsafeBufferPointer { rootBuffer in
                        depths.withUnsafeBufferPointer { depthBuffer in
                            let nodeBase = nodeBuffer.baseAddress!
                            // Four trees walk side by side (leaves hold still, so the deepest sets the steps), and
                            // their values are added in tree order, the same order as `blockMargins`, so single-row
                            // and batch results are bit-identical.
                            let trees = rootBuffer.count, shift = blockShift
                            var t = 0
                            while t + 4 <= trees {
                                var a = Int(rootBuffer[t]), b = Int(rootBuffer[t + 1]), c = Int(rootBuffer[t + 2]), d = Int(rootBuffer[t + 3])
                                let steps = max(max(depthBuffer[t], depthBuffer[t + 1]), max(depthBuffer[t + 2], depthBuffer[t + 3]))
                                for _ in 0..<Int(steps) {
                                    a = Self.step(nodeBase, a, codes, shift: shift)
                                    b = Self.step(nodeBase, b, codes, shift: shift)
                                    c = Self.step(nodeBase, c, codes, shift: shift)
                                    d = Self.step(nodeBase, d, codes, shift: shift)
                                }
                                out[Int(outputs[t])] += valueBuffer[a]
                                out[Int(outputs[t + 1])] += valueBuffer[b]
                                out[Int(outputs[t + 2])] += valueBuffer[c]
                                out[Int(outputs[t + 3])] += valueBuffer[d]
                                t += 4
                            }
                            while t < trees {
                                var index = Int(rootBuffer[t])
                                for _ in 0..<Int(depthBuffer[t]) { index = Self.step(nodeBase, index, codes, shift: shift) }
                                out[Int(outputs[t])] += valueBuffer[index]
                                t += 1
                            }
                        }
                    }
                }
            }
        }
    }

    /// Margins of up to `blockRows` rows of a column-major matrix (`rowCount` rows, rows `start..<start+count`),
    /// added to `out` (`k` per row, row-major); `codes` is scratch of `2 * featureCount * blockRows` bytes.
    func blockMargins(columns: UnsafePointer<Float>, rowCount: Int, start: Int, count: Int, k: Int, outputs: UnsafePointer<Int32>,
                      codes: UnsafeMutablePointer<UInt8>, into out: UnsafeMutablePointer<Double>) {
        let shift = blockShift
        cuts.withUnsafeBufferPointer { cutBuffer in
            used.withUnsafeBufferPointer { usedBuffer in
                for f in 0..<featureCount {
                    if !usedBuffer[f] { continue }
                    let column = columns + f * rowCount + start, fcuts = cutBuffer.baseAddress! + f * 256
                    let low = codes + ((2 * f) << shift), high = codes + ((2 * f + 1) << shift)
                    let origin = bucketOrigin[f], scale = bucketScale[f]
                    bucketStarts.withUnsafeBufferPointer { startBuffer in
                        let starts = startBuffer.baseAddress! + f * Self.buckets
                        // One loop per step count, so the halvings unroll with no test inside.
                        switch bucketSteps[f] {
                        case 1:
                            for i in 0..<count {
                                let x = column[i], code = Self.code(x, cuts: fcuts, starts: starts, origin: origin, scale: scale, steps: 1)
                                low[i] = x.isNaN ? 0 : code
                                high[i] = x.isNaN ? 255 : code
                            }
                        case 2:
                            for i in 0..<count {
                                let x = column[i], code = Self.code(x, cuts: fcuts, starts: starts, origin: origin, scale: scale, steps: 2)
                                low[i] = x.isNaN ? 0 : code
                                high[i] = x.isNaN ? 255 : code
                            }
                        case 3:
                            for i in 0..<count {
                                let x = column[i], code = Self.code(x, cuts: fcuts, starts: starts, origin: origin, scale: scale, steps: 3)
                                low[i] = x.isNaN ? 0 : code
                                high[i] = x.isNaN ? 255 : code
                            }
                        default:
                            for i in 0..<count {
                                let x = column[i], code = Self.code(x, cuts: fcuts)
                                low[i] = x.isNaN ? 0 : code
                                high[i] = x.isNaN ? 255 : code
                            }
                        }
                    }
                }
            }
        }
        nodes.withUnsafeBufferPointer { nodeBuffer in
            values.withUnsafeBufferPointer { valueBuffer in
                topOffsets.withUnsafeBufferPointer { offsetBuffer in
                    topSplits.withUnsafeBufferPointer { splitBuffer in
                        topExits.withUnsafeBufferPointer { exitBuffer in
                            withUnsafeTemporaryAllocation(of: Int8.self, capacity: 16) { positionBuffer in
                                let positions = positionBuffer.baseAddress!
                                for t in 0..<roots.count {
                                    walk(tree: t, count: count, k: k, output: Int(outputs[t]), codes: UnsafePointer(codes), out: out,
                                         nodes: nodeBuffer.baseAddress!, values: valueBuffer.baseAddress!,
                                         topOffsets: offsetBuffer.baseAddress! + t * Self.topNodes,
                                         topSplits: splitBuffer.baseAddress! + t * Self.topNodes,
                                         topExits: exitBuffer.baseAddress! + t * Self.topExits, positions: positions)
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    @inline(__always)
    private func walk(tree t: Int, count: Int, k: Int, output: Int, codes: UnsafePointer<UInt8>, out: UnsafeMutablePointer<Double>,
                      nodes nodeBase: UnsafePointer<Node>, values valueBase: UnsafePointer<Double>, topOffsets: UnsafePointer<Int32>,
                      topSplits: UnsafePointer<SIMD16<Int8>>, topExits: UnsafePointer<Int32>, positions: UnsafeMutablePointer<Int8>) {
        let root = Int(roots[t]), depth = Int(depths[t])
        let below = max(0, depth - Self.topLevels)
        let raw = UnsafeRawPointer(codes)
        var i = 0
        while i + 16 <= count {
            // Each level: every node's compare on all 16 rows, kept where the row is at that node (-1 = goes right).
            @inline(__always) func right(_ v: Int) -> SIMD16<Int8> {
                let column = raw.loadUnaligned(fromByteOffset: Int(topOffsets[v]) &+ i, as: SIMD16<Int8>.self) ^ SIMD16<Int8>(repeating: -128)
                return SIMD16<Int8>(repeating: 0).replacing(with: -1, where: column .> topSplits[v])
            }
            @inline(__always) func at(_ position: SIMD16<Int8>, _ p: Int8) -> SIMD16<Int8> {
                SIMD16<Int8>(repeating: 0).replacing(with: -1, where: position .== SIMD16<Int8>(repeating: p))
            }
            var position = SIMD16<Int8>(repeating: 0) &- right(0)
            var r = (right(1) & at(position, 0)) | (right(2) & at(position, 1))
            position = position &+ position &- r
            r = (right(3) & at(position, 0)) | (right(4) & at(position, 1)) | (right(5) & at(position, 2)) | (right(6) & at(position, 3))
            position = position &+ position &- r
            r = (right(7) & at(position, 0)) | (right(8) & at(position, 1)) | (right(9) & at(position, 2)) | (right(10) & at(position, 3))
                | (right(11) & at(position, 4)) | (right(12) & at(position, 5)) | (right(13) & at(position, 6)) | (right(14) & at(position, 7))
            position = position &+ position &- r
            UnsafeMutableRawPointer(positions).storeBytes(of: position, as: SIMD16<Int8>.self)
            var j = 0
            while j < 16 {
                let c = codes + i + j
                var a0 = Int(topExits[Int(positions[j])]), a1 = Int(topExits[Int(positions[j + 1])])
                var a2 = Int(topExits[Int(positions[j + 2])]), a3 = Int(topExits[Int(positions[j + 3])])
                var a4 = Int(topExits[Int(positions[j + 4])]), a5 = Int(topExits[Int(positions[j + 5])])
                var a6 = Int(topExits[Int(positions[j + 6])]), a7 = Int(topExits[Int(positions[j + 7])])
                var level = below
                while level > 0 {
                    level &-= 1
                    a0 = Self.step(nodeBase, a0, c, shift: 0)
                    a1 = Self.step(nodeBase, a1, c + 1, shift: 0)
                    a2 = Self.step(nodeBase, a2, c + 2, shift: 0)
                    a3 = Self.step(nodeBase, a3, c + 3, shift: 0)
                    a4 = Self.step(nodeBase, a4, c + 4, shift: 0)
                    a5 = Self.step(nodeBase, a5, c + 5, shift: 0)
                    a6 = Self.step(nodeBase, a6, c + 6, shift: 0)
                    a7 = Self.step(nodeBase, a7, c + 7, shift: 0)
                }
                let o = out + (i + j) * k + output
                o[0] += valueBase[a0]; o[k] += valueBase[a1]; o[2 * k] += valueBase[a2]; o[3 * k] += valueBase[a3]
                o[4 * k] += valueBase[a4]; o[5 * k] += valueBase[a5]; o[6 * k] += valueBase[a6]; o[7 * k] += valueBase[a7]
                j += 8
            }
            i += 16
        }
        while i < count {
            var a = root
            for _ in 0..<depth { a = Self.step(nodeBase, a, codes + i, shift: 0) }
            out[i * k + output] += valueBase[a]
            i += 1
        }
    }
}
