import WharfFrame
/// How a tree grows: level by level to `max_depth`, or always splitting the leaf with the best gain.
public enum GrowPolicy: String, Codable, Sendable {
    case depthwise
    case lossguide
}

/// Settings one tree needs, taken from the booster parameters.
struct TreeSettings {
    var finder: SplitFinder
    var maxDepth: Int
    var maxLeaves: Int
    var growPolicy: GrowPolicy
    var learningRate: Double
    var colsampleBynode: Double
}

/// Grows one histogram tree on binned rows: partitions row indices in place and uses the subtraction trick.
final class TreeLearner {
    let data: BinnedMatrix
    let builder: HistogramBuilder
    private var indices: [Int32]
    private var scratch: [Int32]
    private var histogramPool: [UnsafeMutablePointer<Double>] = []
    private var freeSlots: [Int] = []

    /// A leaf still open for splitting.
    private struct OpenLeaf {
        var node: Int
        var start: Int
        var count: Int
        var depth: Int
        var gradient: Double
        var hessian: Double
        var slot: Int
        var split: SplitCandidate
    }

    /// Rows of a finished leaf: `indices[start..<start+count]`.
    struct LeafRows {
        var node: Int
        var start: Int
        var count: Int
    }

    init(data: BinnedMatrix, threads: Int) {
        self.data = data
        self.builder = HistogramBuilder(data: data, threads: threads)
        indices = [Int32](repeating: 0, count: data.rowCount)
        scratch = [Int32](repeating: 0, count: data.rowCount)
    }

    deinit {
        for buffer in histogramPool { buffer.deallocate() }
    }

    private func takeSlot() -> Int {
        if let slot = freeSlots.popLast() { return slot }
        histogramPool.append(.allocate(capacity: builder.width))
        return histogramPool.count - 1
    }

    /// Calls `body` with the row indices of `leaf` after the last `grow`, without copying them (safe from several threads at once).
    func withRows<R>(of leaf: LeafRows, _ body: (UnsafeBufferPointer<Int32>) -> R) -> R {
        indices.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[leaf.start..<(leaf.start + leaf.count)])) }
    }

    /// Grows a tree on `rows` (nil = all rows) using only `features`.
    func grow(pairs: UnsafePointer<SIMD2<Float>>, rows: [Int32]?, features: [Int],
              settings: TreeSettings, generator: inout SeededGenerator) -> (tree: Tree, leaves: [LeafRows]) {
        let rowCount: Int
        if let rows {
            rowCount = rows.count
            indices.withUnsafeMutableBufferPointer { dst in rows.withUnsafeBufferPointer { dst.baseAddress!.update(from: $0.baseAddress!, count: rows.count) } }
        } else {
            rowCount = data.rowCount
            indices.withUnsafeMutableBufferPointer { for i in 0..<rowCount { $0[i] = Int32(i) } }
        }
        freeSlots = Array((0..<histogramPool.count).reversed())
        var tree = Tree()
        var finished: [LeafRows] = []
        var leafTotals: [Int: (Double, Double)] = [:]

        var rootG = 0.0, rootH = 0.0
        indices.withUnsafeBufferPointer { idx in
            for i in 0..<rowCount {
                let pair = pairs[Int(idx[i])]
                rootG += Double(pair.x)
                rootH += Double(pair.y)
            }
        }
        tree.covers[0] = rootH
        leafTotals[0] = (rootG, rootH)

        func canSplit(depth: Int, count: Int) -> Bool {
            (settings.maxDepth <= 0 || depth < settings.maxDepth) && count >= 2
        }

        func findSplit(slot: Int, g: Double, h: Double, count: Int) -> SplitCandidate {
            var best = SplitCandidate()
            var candidates = features
            if settings.colsampleBynode < 1 {
                generator.shuffle(&candidates)
                candidates = Array(candidates[..<max(1, Int((Double(candidates.count) * settings.colsampleBynode).rounded()))]).sorted()
            }
            let histogram = histogramPool[slot]
            for f in candidates {
                settings.finder.evaluate(feature: f, mapper: data.mappers[f], histogram: histogram + 2 * Int(data.offsets[f]),
                                         totalGradient: g, totalHessian: h, count: count, best: &best)
            }
            return best
        }

        var open: [OpenLeaf] = []
        if canSplit(depth: 0, count: rowCount) {
            let slot = takeSlot()
            indices.withUnsafeBufferPointer { idx in
                builder.build(rows: UnsafeBufferPointer(rebasing: idx[0..<rowCount]), pairs: pairs, into: histogramPool[slot])
            }
            let split = findSplit(slot: slot, g: rootG, h: rootH, count: rowCount)
            open.append(OpenLeaf(node: 0, start: 0, count: rowCount, depth: 0, gradient: rootG, hessian: rootH, slot: slot, split: split))
        } else {
            finished.append(LeafRows(node: 0, start: 0, count: rowCount))
        }
        var leafCount = 1

        while !open.isEmpty {
            // Pick the next leaf: best gain (lossguide) or shallowest, oldest first (depthwise).
            var pick = -1
            for (i, leaf) in open.enumerated() where leaf.split.isValid {
                if pick < 0 { pick = i; continue }
                let current = open[pick]
                switch settings.growPolicy {
                case .lossguide:
                    if leaf.split.gain > current.split.gain { pick = i }
                case .depthwise:
                    if leaf.depth < current.depth || (leaf.depth == current.depth && leaf.node < current.node) { pick = i }
                }
            }
            if pick < 0 || (settings.maxLeaves > 0 && leafCount >= settings.maxLeaves) { break }
            let leaf = open.remove(at: pick)
            let split = leaf.split
            let leftCount = partition(leaf: leaf, split: split)
            let rightCount = leaf.count - leftCount
            let leftNode = tree.nodes.count, rightNode = leftNode + 1
            var node = tree.nodes[leaf.node]
            node.feature = Int32(split.feature)
            node.left = Int32(leftNode)
            node.right = Int32(rightNode)
            node.flags = split.defaultLeft ? Tree.Node.defaultLeftFlag : 0
            let mapper = data.mappers[split.feature]
            if split.isCategorical {
                node.flags |= Tree.Node.categoricalFlag
                node.categoryOffset = Int32(tree.categoryBits.count)
                let c = split.leftCategories
                tree.categoryBits.append(contentsOf: [c.0, c.1, c.2, c.3])
            } else {
                node.threshold = mapper.upperBounds[split.bin]
                node.splitBin = UInt16(split.bin)
            }
            tree.nodes[leaf.node] = node
            tree.gains[leaf.node] = split.gain
            tree.nodes.append(contentsOf: [Tree.Node(), Tree.Node()])
            tree.gains.append(contentsOf: [0, 0])
            tree.covers.append(contentsOf: [split.leftHessian, split.rightHessian])
            // A many-level categorical split's children keep its extra L2 in their leaf values (LightGBM's cat_l2).
            leafTotals[leftNode] = (split.leftGradient, split.leftHessian + split.extraL2)
            leafTotals[rightNode] = (split.rightGradient, split.rightHessian + split.extraL2)
            leafCount += 1

            let depth = leaf.depth + 1
            let leftOpen = canSplit(depth: depth, count: leftCount)
            let rightOpen = canSplit(depth: depth, count: rightCount)
            let left = LeafRows(node: leftNode, start: leaf.start, count: leftCount)
            let right = LeafRows(node: rightNode, start: leaf.start + leftCount, count: rightCount)
            if !leftOpen && !rightOpen {
                freeSlots.append(leaf.slot)
                finished.append(left)
                finished.append(right)
                continue
            }
            // Build the smaller child's histogram; the larger one is parent minus smaller, in the parent's slot.
            let smallSlot = takeSlot()
            let small = leftCount <= rightCount ? left : right
            indices.withUnsafeBufferPointer { idx in
                builder.build(rows: UnsafeBufferPointer(rebasing: idx[small.start..<(small.start + small.count)]),
                              pairs: pairs, into: histogramPool[smallSlot])
            }
            let parent = histogramPool[leaf.slot], smaller = histogramPool[smallSlot]
            for i in 0..<builder.width { parent[i] -= smaller[i] }
            let leftSlot = leftCount <= rightCount ? smallSlot : leaf.slot
            let rightSlot = leftCount <= rightCount ? leaf.slot : smallSlot
            for (child, slot, isOpen, g, h) in [(left, leftSlot, leftOpen, split.leftGradient, split.leftHessian),
                                                 (right, rightSlot, rightOpen, split.rightGradient, split.rightHessian)] {
                if isOpen {
                    let childSplit = findSplit(slot: slot, g: g, h: h, count: child.count)
                    open.append(OpenLeaf(node: child.node, start: child.start, count: child.count, depth: depth,
                                         gradient: g, hessian: h, slot: slot, split: childSplit))
                } else {
                    freeSlots.append(slot)
                    finished.append(child)
                }
            }
        }
        for leaf in open { finished.append(LeafRows(node: leaf.node, start: leaf.start, count: leaf.count)) }
        for leaf in finished {
            let (g, h) = leafTotals[leaf.node]!
            tree.nodes[leaf.node].value = settings.finder.leafWeight(g, h) * settings.learningRate
        }
        return (tree, finished)
    }

    /// Stable in-place partition of a leaf's rows; returns how many went left.
    private func partition(leaf: OpenLeaf, split: SplitCandidate) -> Int {
        let feature = split.feature
        let missingBin = data.mappers[feature].missingBin
        // Direction of every bin code, so the loop is a table lookup and branch-free.
        var goesLeft = [Int](repeating: 0, count: 256)
        for bin in 0..<256 {
            if bin == missingBin {
                goesLeft[bin] = split.defaultLeft ? 1 : 0
            } else if split.isCategorical {
                goesLeft[bin] = split.categoryGoesLeft(bin) ? 1 : 0
            } else {
                goesLeft[bin] = bin <= split.bin ? 1 : 0
            }
        }
        var leftCount = 0, rightCount = 0
        let rowCount = data.rowCount
        data.columnCodes.withUnsafeBufferPointer { codes in
            indices.withUnsafeMutableBufferPointer { idx in
                scratch.withUnsafeMutableBufferPointer { tmp in
                    goesLeft.withUnsafeBufferPointer { table in
                        let codeBase = codes.baseAddress! + feature * rowCount
                        let left = idx.baseAddress! + leaf.start, right = tmp.baseAddress!
                        for i in 0..<leaf.count {
                            let row = left[i]
                            let toLeft = table[Int(codeBase[Int(row)])]
                            left[leftCount] = row
                            right[rightCount] = row
                            leftCount &+= toLeft
                            rightCount &+= 1 &- toLeft
                        }
                        (left + leftCount).update(from: right, count: rightCount)
                    }
                }
            }
        }
        return leftCount
    }
}
