/// Trees are stored as parallel arrays (one per node field) to keep model files compact and diffable.
extension Tree: Codable {
    private enum CodingKeys: String, CodingKey {
        case feature, left, right, threshold, splitBin = "split_bin", flags, value
        case categoryOffset = "category_offset", categoryBits = "category_bits", gain, cover
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let feature = try c.decode([Int32].self, forKey: .feature)
        let left = try c.decode([Int32].self, forKey: .left)
        let right = try c.decode([Int32].self, forKey: .right)
        let threshold = try c.decode([Float].self, forKey: .threshold)
        let splitBin = try c.decode([UInt16].self, forKey: .splitBin)
        let flags = try c.decode([UInt8].self, forKey: .flags)
        let value = try c.decode([Double].self, forKey: .value)
        let categoryOffset = try c.decode([Int32].self, forKey: .categoryOffset)
        let count = feature.count
        guard count > 0, [left.count, right.count, threshold.count, splitBin.count, flags.count, value.count, categoryOffset.count]
            .allSatisfy({ $0 == count }) else {
            throw LearnError(.invalidModel, "tree node arrays differ in length", field: "trees")
        }
        let bits = try c.decode([UInt64].self, forKey: .categoryBits)
        var nodes = [Node]()
        nodes.reserveCapacity(count)
        for i in 0..<count {
            var node = Node()
            node.feature = feature[i]; node.left = left[i]; node.right = right[i]; node.threshold = threshold[i]
            node.splitBin = splitBin[i]; node.flags = flags[i]; node.value = value[i]; node.categoryOffset = categoryOffset[i]
            if node.left >= 0 {
                guard node.left < count, node.right >= 0, node.right < count, node.left > Int32(i), node.right > Int32(i), node.feature >= 0 else {
                    throw LearnError(.invalidModel, "tree node \(i) has invalid children or feature", field: "trees")
                }
                if node.isCategorical && (node.categoryOffset < 0 || Int(node.categoryOffset) + 4 > bits.count) {
                    throw LearnError(.invalidModel, "tree node \(i) points outside the category sets", field: "trees")
                }
            }
            nodes.append(node)
        }
        self.init(nodes: nodes, categoryBits: bits,
                  gains: try c.decode([Double].self, forKey: .gain), covers: try c.decode([Double].self, forKey: .cover))
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(nodes.map(\.feature), forKey: .feature)
        try c.encode(nodes.map(\.left), forKey: .left)
        try c.encode(nodes.map(\.right), forKey: .right)
        try c.encode(nodes.map(\.threshold), forKey: .threshold)
        try c.encode(nodes.map(\.splitBin), forKey: .splitBin)
        try c.encode(nodes.map(\.flags), forKey: .flags)
        try c.encode(nodes.map(\.value), forKey: .value)
        try c.encode(nodes.map(\.categoryOffset), forKey: .categoryOffset)
        try c.encode(categoryBits, forKey: .categoryBits)
        try c.encode(gains, forKey: .gain)
        try c.encode(covers, forKey: .cover)
    }
}

extension GBDTModel: Codable {
    private enum CodingKeys: String, CodingKey {
        case objective, outputCount = "output_count", baseMargins = "base_margins", trees, treeOutputs = "tree_outputs"
        case featureNames = "feature_names", featureKinds = "feature_kinds", history, bestIteration = "best_iteration"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let trees = try c.decode([Tree].self, forKey: .trees)
        let outputs = try c.decode([Int32].self, forKey: .treeOutputs)
        let outputCount = try c.decode(Int.self, forKey: .outputCount)
        let names = try c.decode([String].self, forKey: .featureNames)
        let base = try c.decode([Double].self, forKey: .baseMargins)
        guard outputs.count == trees.count, base.count == outputCount, outputs.allSatisfy({ $0 >= 0 && Int($0) < outputCount }) else {
            throw LearnError(.invalidModel, "tree outputs or base margins do not match output_count \(outputCount)", field: "tree_outputs")
        }
        for tree in trees where tree.nodes.contains(where: { !$0.isLeaf && Int($0.feature) >= names.count }) {
            throw LearnError(.invalidModel, "a tree splits on a feature index beyond the \(names.count) features", field: "trees")
        }
        self.init(objective: try c.decode(String.self, forKey: .objective), outputCount: outputCount, baseMargins: base, trees: trees,
                  treeOutputs: outputs, featureNames: names, featureKinds: try c.decode([FeatureKind].self, forKey: .featureKinds),
                  history: try c.decodeIfPresent([String: [Double]].self, forKey: .history) ?? [:],
                  bestIteration: try c.decodeIfPresent(Int.self, forKey: .bestIteration))
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(objective, forKey: .objective)
        try c.encode(outputCount, forKey: .outputCount)
        try c.encode(baseMargins, forKey: .baseMargins)
        try c.encode(trees, forKey: .trees)
        try c.encode(treeOutputs, forKey: .treeOutputs)
        try c.encode(featureNames, forKey: .featureNames)
        try c.encode(featureKinds, forKey: .featureKinds)
        try c.encode(history, forKey: .history)
        try c.encodeIfPresent(bestIteration, forKey: .bestIteration)
    }
}
