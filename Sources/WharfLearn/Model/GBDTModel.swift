import Foundation

/// How margins become predictions.
public enum OutputTransform: String, Codable, Sendable {
    case identity
    case sigmoid
    case softmax

    public static func of(objective: String) -> OutputTransform {
        switch objective {
        case "binary:logistic", "reg:logistic": return .sigmoid
        case "multi:softprob", "multi:softmax": return .softmax
        default: return .identity
        }
    }

    @inline(__always)
    func apply(_ row: UnsafeMutablePointer<Double>, count: Int) {
        switch self {
        case .identity: return
        case .sigmoid: for k in 0..<count { row[k] = 1 / (1 + exp(-row[k])) }
        case .softmax:
            var maxMargin = -Double.infinity
            for k in 0..<count { maxMargin = max(maxMargin, row[k]) }
            var sum = 0.0
            for k in 0..<count { row[k] = exp(row[k] - maxMargin); sum += row[k] }
            for k in 0..<count { row[k] /= sum }
        }
    }
}

/// A trained (or imported) tree ensemble: base margins plus the sum of its trees' leaf values, per output.
public struct GBDTModel: Equatable, Sendable {
    public var objective: String
    public var outputCount: Int
    public var baseMargins: [Double]
    public var trees: [Tree]
    /// Output (class) each tree adds to.
    public var treeOutputs: [Int32]
    public var featureNames: [String]
    public var featureKinds: [FeatureKind]
    /// Validation history per round (metric name -> values), kept for plots.
    public var history: [String: [Double]]
    public var bestIteration: Int?

    /// All trees' nodes in one buffer with absolute child indices, for traversal without per-tree indirection.
    private var forest: CompiledForest
    /// The same trees over one-byte feature codes, when every split is numeric (the fast path).
    private var quantized: QuantizedForest?

    public init(objective: String, outputCount: Int, baseMargins: [Double], trees: [Tree], treeOutputs: [Int32],
                featureNames: [String], featureKinds: [FeatureKind], history: [String: [Double]] = [:], bestIteration: Int? = nil) {
        self.objective = objective
        self.outputCount = outputCount
        self.baseMargins = baseMargins
        self.trees = trees
        self.treeOutputs = treeOutputs
        self.featureNames = featureNames
        self.featureKinds = featureKinds
        self.history = history
        self.bestIteration = bestIteration
        self.forest = CompiledForest(trees: trees)
        self.quantized = QuantizedForest(trees: trees, featureCount: featureNames.count)
    }

    public static func == (a: GBDTModel, b: GBDTModel) -> Bool {
        a.objective == b.objective && a.outputCount == b.outputCount && a.baseMargins == b.baseMargins && a.trees == b.trees
            && a.treeOutputs == b.treeOutputs && a.featureNames == b.featureNames && a.featureKinds == b.featureKinds
    }

    public var transform: OutputTransform { .of(objective: objective) }

    /// Predicts one row given as a buffer of features in model order, writing `outputCount` values; allocates nothing.
    public func predict(row: UnsafeBufferPointer<Float>, into output: UnsafeMutableBufferPointer<Double>) {
        precondition(row.count >= featureNames.count && output.count >= outputCount)
        if let quantized {
            let out = output.baseAddress!
            for k in 0..<outputCount { out[k] = baseMargins[k] }
            treeOutputs.withUnsafeBufferPointer { quantized.margins(row: row.baseAddress!, outputs: $0.baseAddress!, into: out) }
            transform.apply(out, count: outputCount)
            return
        }
        forest.margins(row: row.baseAddress!, base: baseMargins, outputs: treeOutputs, into: output.baseAddress!)
        transform.apply(output.baseAddress!, count: outputCount)
    }

    /// Convenience single-row prediction.
    public func predict(row: [Float]) -> [Double] {
        var out = [Double](repeating: 0, count: outputCount)
        row.withUnsafeBufferPointer { r in out.withUnsafeMutableBufferPointer { predict(row: r, into: $0) } }
        return out
    }

    /// Predictions for every row (row-major, `outputCount` per row); columns are matched by name.
    public func predict(_ features: FeatureMatrix, threads: Int = 0, margins: Bool = false) throws -> [Double] {
        let aligned = try features.aligned(to: featureNames)
        return predictAligned(aligned, threads: threads, margins: margins)
    }

    func predictAligned(_ features: FeatureMatrix, threads: Int = 0, margins: Bool = false) -> [Double] {
        let threadCount = threads > 0 ? threads : Parallel.availableCores
        let transform = margins ? OutputTransform.identity : self.transform
        if let quantized {
            return quantizedPredictions(quantized, features, threads: threadCount, transform: transform)
        }
        let n = features.rowCount, k = outputCount, featureCount = featureNames.count
        var out = [Double](repeating: 0, count: n * k)
        let block = 64
        let blocks = (n + block - 1) / block
        let chunks = Parallel.ranges(blocks, parts: n < 4096 ? 1 : threadCount)
        features.values.withUnsafeBufferPointer { values in
            out.withUnsafeMutableBufferPointer { outBuffer in
                let valueBase = values.baseAddress, outBase = outBuffer.baseAddress!
                Parallel.forEach(chunks.count, threads: threadCount) { part in
                    let rowBuffer = UnsafeMutablePointer<Float>.allocate(capacity: block * max(featureCount, 1))
                    defer { rowBuffer.deallocate() }
                    for b in chunks[part] {
                        let start = b * block, end = min(n, start + block), count = end - start
                        // Transpose a block of rows so each tree walk reads one row's features contiguously.
                        for f in 0..<featureCount {
                            let column = valueBase! + f * n + start
                            for i in 0..<count { rowBuffer[i * featureCount + f] = column[i] }
                        }
                        let target = outBase + start * k
                        forest.blockMargins(rows: rowBuffer, count: count, width: featureCount, base: baseMargins, outputs: treeOutputs, into: target)
                        for i in 0..<count { transform.apply(target + i * k, count: k) }
                    }
                }
            }
        }
        return out
    }

    private func quantizedPredictions(_ quantized: QuantizedForest, _ features: FeatureMatrix, threads: Int, transform: OutputTransform) -> [Double] {
        let n = features.rowCount, k = outputCount, block = quantized.blockRows
        var out = [Double](repeating: 0, count: n * k)
        let blocks = (n + block - 1) / block
        // More parts than threads, so a thread slowed by other work on the machine hands its share to the others.
        let chunks = Parallel.ranges(blocks, parts: n < 4096 ? 1 : threads * 8)
        features.values.withUnsafeBufferPointer { values in
            out.withUnsafeMutableBufferPointer { outBuffer in
                treeOutputs.withUnsafeBufferPointer { outputs in
                    let valueBase = values.baseAddress!, outBase = outBuffer.baseAddress!
                    Parallel.forEach(chunks.count, threads: threads) { part in
                        let codes = UnsafeMutablePointer<UInt8>.allocate(capacity: 2 * max(quantized.featureCount, 1) * block)
                        codes.initialize(repeating: 0, count: 2 * max(quantized.featureCount, 1) * block)
                        defer { codes.deallocate() }
                        for b in chunks[part] {
                            let start = b * block, count = min(n, start + block) - start
                            let target = outBase + start * k
                            for i in 0..<count { for c in 0..<k { target[i * k + c] = baseMargins[c] } }
                            quantized.blockMargins(columns: valueBase, rowCount: n, start: start, count: count, k: k, outputs: outputs.baseAddress!,
                                                   codes: codes, into: target)
                            for i in 0..<count { transform.apply(target + i * k, count: k) }
                        }
                    }
                }
            }
        }
        return out
    }

    /// Feature importance: split count (`weight`), mean or total gain, mean or total cover, by feature name.
    public func featureImportance(_ type: ImportanceType = .gain) -> [(feature: String, value: Double)] {
        var sums = [Double](repeating: 0, count: featureNames.count)
        var counts = [Double](repeating: 0, count: featureNames.count)
        for tree in trees {
            for (i, node) in tree.nodes.enumerated() where !node.isLeaf {
                let f = Int(node.feature)
                counts[f] += 1
                switch type {
                case .weight: sums[f] += 1
                case .gain, .totalGain: sums[f] += tree.gains[i]
                case .cover, .totalCover: sums[f] += tree.covers[i]
                }
            }
        }
        return featureNames.indices.filter { counts[$0] > 0 }.map { f in
            let value = (type == .gain || type == .cover) ? sums[f] / counts[f] : sums[f]
            return (featureNames[f], value)
        }.sorted { $0.value != $1.value ? $0.value > $1.value : $0.feature < $1.feature }
    }

    /// Kept rounds only up to `rounds` (used by early stopping).
    func truncated(rounds: Int) -> GBDTModel {
        let keep = min(trees.count, rounds * outputCount)
        var copy = GBDTModel(objective: objective, outputCount: outputCount, baseMargins: baseMargins, trees: Array(trees[..<keep]),
                             treeOutputs: Array(treeOutputs[..<keep]), featureNames: featureNames, featureKinds: featureKinds,
                             history: history, bestIteration: bestIteration)
        copy.bestIteration = rounds - 1
        return copy
    }
}

/// Kinds of feature importance (XGBoost's names).
public enum ImportanceType: String, CaseIterable, Sendable {
    case weight, gain, cover
    case totalGain = "total_gain"
    case totalCover = "total_cover"
}

/// Trees flattened into one buffer of 16-byte nodes whose children sit side by side (right = left + 1), so a
/// step down the tree is a compare and an add; leaf values live in a parallel array. A leaf points to itself,
/// so batch walks take a fixed number of steps (the tree's depth) for four rows at once with no data-dependent
/// branch, while a single row walks until it meets a leaf (measured faster for one row, slower for blocks).
struct CompiledForest: Sendable {
    /// `info` bit 0 = missing goes left, bit 1 = categorical, bit 2 = internal node, bit 3 = a category code outside
    /// 0..<256 goes left (XGBoost's rule; Wharf's own trees send it right), bits 4... = category set offset.
    struct Node: Sendable {
        var feature: Int32
        var threshold: Float
        var left: Int32
        var info: Int32
    }

    var nodes: [Node] = []
    /// The same nodes with leaves marked by feature -1, for walks that stop at the first leaf (single rows and
    /// the tail of a block): measured 2.5x faster per row than the fixed-depth `step` walk, which wins for blocks.
    var walkNodes: [Node] = []
    var values: [Double] = []
    var roots: [Int32] = []
    var depths: [Int32] = []
    var bits: [UInt64] = []

    init(trees: [Tree]) {
        for tree in trees {
            let bitOffset = Int32(bits.count)
            bits.append(contentsOf: tree.categoryBits)
            roots.append(Int32(nodes.count))
            // Breadth-first renumbering that places both children of a node next to each other.
            var queue: [(old: Int, new: Int, depth: Int)] = [(0, nodes.count, 0)]
            nodes.append(Node(feature: 0, threshold: 0, left: 0, info: 0))
            values.append(0)
            var head = 0, depth = 0
            while head < queue.count {
                let (old, new, level) = queue[head]
                head += 1
                let source = tree.nodes[old]
                if source.isLeaf {
                    nodes[new] = Node(feature: 0, threshold: 0, left: Int32(new), info: 0)
                    values[new] = source.value
                    depth = max(depth, level)
                    continue
                }
                let left = nodes.count
                nodes.append(Node(feature: 0, threshold: 0, left: 0, info: 0))
                nodes.append(Node(feature: 0, threshold: 0, left: 0, info: 0))
                values.append(contentsOf: [0, 0])
                var info: Int32 = 4 | (source.defaultLeft ? 1 : 0)
                if source.isCategorical {
                    info |= 2 | (source.flags & Tree.Node.outOfRangeLeftFlag != 0 ? 8 : 0) | ((source.categoryOffset + bitOffset) << 4)
                }
                nodes[new] = Node(feature: source.feature, threshold: source.threshold, left: Int32(left), info: info)
                queue.append((Int(source.left), left, level + 1))
                queue.append((Int(source.right), left + 1, level + 1))
            }
            depths.append(Int32(depth))
        }
        if bits.isEmpty { bits = [0] }
        walkNodes = nodes.map { $0.info & 4 == 0 ? Node(feature: -1, threshold: 0, left: $0.left, info: 0) : $0 }
    }

    /// One step from `index`: to a child for an internal node, staying put at a leaf.
    @inline(__always)
    static func step(_ nodes: UnsafePointer<Node>, _ bits: UnsafePointer<UInt64>, _ index: Int, _ row: UnsafePointer<Float>) -> Int {
        let node = nodes[index]
        let x = row[Int(node.feature)]
        var right: Int32 = x < node.threshold ? 0 : 1
        if node.info & 2 != 0 {
            // NaN fails `x >= 0`, so the conversion only sees codes in range.
            var inSet = node.info & 8 != 0
            if x >= 0 && x < 256 {
                let code = Int(x)
                inSet = (bits[Int(node.info >> 4) + (code >> 6)] >> UInt64(code & 63)) & 1 == 1
            }
            right = inSet ? 0 : 1
        }
        if x.isNaN { right = 1 &- (node.info & 1) }
        return Int(node.left &+ (right & (node.info >> 2)))
    }

    /// The leaf a row reaches in `walkNodes` (leaves marked by feature -1), stopping at the first leaf.
    @inline(__always)
    static func walk(_ nodes: UnsafePointer<Node>, _ bits: UnsafePointer<UInt64>, root: Int, row: UnsafePointer<Float>) -> Int {
        var index = root
        while true {
            let node = nodes[index]
            if node.feature < 0 { return index }
            let x = row[Int(node.feature)]
            var right: Int
            if node.info & 2 == 0 {
                right = x < node.threshold ? 0 : 1
            } else {
                var inSet = node.info & 8 != 0
                if x >= 0 && x < 256 {
                    let code = Int(x)
                    inSet = (bits[Int(node.info >> 4) + (code >> 6)] >> UInt64(code & 63)) & 1 == 1
                }
                right = inSet ? 0 : 1
            }
            if x.isNaN { right = Int(1 &- (node.info & 1)) }
            index = Int(node.left) &+ right
        }
    }

    @inline(__always)
    static func leaf(_ nodes: UnsafePointer<Node>, _ bits: UnsafePointer<UInt64>, root: Int, depth: Int, row: UnsafePointer<Float>) -> Int {
        var index = root
        for _ in 0..<depth { index = step(nodes, bits, index, row) }
        return index
    }

    @inline(__always)
    func margins(row: UnsafePointer<Float>, base: [Double], outputs: [Int32], into out: UnsafeMutablePointer<Double>) {
        for k in 0..<base.count { out[k] = base[k] }
        walkNodes.withUnsafeBufferPointer { nodeBuffer in
            values.withUnsafeBufferPointer { valueBuffer in
                bits.withUnsafeBufferPointer { bitBuffer in
                    roots.withUnsafeBufferPointer { rootBuffer in
                        outputs.withUnsafeBufferPointer { outputBuffer in
                            let nodeBase = nodeBuffer.baseAddress!, bitBase = bitBuffer.baseAddress!
                            // Same summation order as `blockMargins`, so single-row and batch results are bit-identical.
                            for t in 0..<rootBuffer.count {
                                out[Int(outputBuffer[t])] += valueBuffer[Self.walk(nodeBase, bitBase, root: Int(rootBuffer[t]), row: row)]
                            }
                        }
                    }
                }
            }
        }
    }

    /// Margins of `count` row-major rows (`width` features each): tree by tree over the whole block, four rows
    /// at a time, so the independent walks overlap in the pipeline.
    func blockMargins(rows: UnsafePointer<Float>, count: Int, width: Int, base: [Double], outputs: [Int32],
                      into out: UnsafeMutablePointer<Double>) {
        let k = base.count
        for i in 0..<count { for c in 0..<k { out[i * k + c] = base[c] } }
        nodes.withUnsafeBufferPointer { nodeBuffer in
            values.withUnsafeBufferPointer { valueBuffer in
                bits.withUnsafeBufferPointer { bitBuffer in
                    let nodeBase = nodeBuffer.baseAddress!, bitBase = bitBuffer.baseAddress!, valueBase = valueBuffer.baseAddress!
                    for t in 0..<roots.count {
                        let root = Int(roots[t]), depth = Int(depths[t]), output = Int(outputs[t])
                        var i = 0
                        while i + 4 <= count {
                            let r0 = rows + i * width, r1 = r0 + width, r2 = r1 + width, r3 = r2 + width
                            var a = root, b = root, c = root, d = root
                            for _ in 0..<depth {
                                a = Self.step(nodeBase, bitBase, a, r0)
                                b = Self.step(nodeBase, bitBase, b, r1)
                                c = Self.step(nodeBase, bitBase, c, r2)
                                d = Self.step(nodeBase, bitBase, d, r3)
                            }
                            out[i * k + output] += valueBase[a]
                            out[(i + 1) * k + output] += valueBase[b]
                            out[(i + 2) * k + output] += valueBase[c]
                            out[(i + 3) * k + output] += valueBase[d]
                            i += 4
                        }
                        while i < count {
                            out[i * k + output] += valueBase[Self.leaf(nodeBase, bitBase, root: root, depth: depth, row: rows + i * width)]
                            i += 1
                        }
                    }
                }
            }
        }
    }
}

extension FeatureMatrix {
    /// The columns named `names`, in that order; a missing column is an error naming it.
    public func aligned(to names: [String]) throws -> FeatureMatrix {
        if self.names == names { return self }
        var values = [Float]()
        values.reserveCapacity(rowCount * names.count)
        var kinds = [FeatureKind]()
        for name in names {
            guard let c = columnIndex(name) else {
                throw LearnError(.missingFeature, "feature \(name) is missing from the input; the model needs \(names.joined(separator: ", "))", field: name)
            }
            values.append(contentsOf: column(c))
            kinds.append(self.kinds[c])
        }
        return try FeatureMatrix(rowCount: rowCount, columnCount: names.count, values: values, names: names, kinds: kinds)
    }
}
