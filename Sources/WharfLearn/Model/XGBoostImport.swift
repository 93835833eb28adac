import Foundation

/// Reads a model saved by XGBoost's `Booster.save_model("model.json")` into a `GBDTModel` that predicts the same values.
public enum XGBoostImport {
    public static func load(contentsOf url: URL) throws -> GBDTModel {
        try load(json: try Data(contentsOf: url))
    }

    public static func load(json data: Data) throws -> GBDTModel {
        guard let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let learner = root["learner"] as? [String: Any] else {
            throw LearnError(.invalidModel, "not an XGBoost JSON model: no learner object", field: "learner")
        }
        guard let booster = learner["gradient_booster"] as? [String: Any] else {
            throw LearnError(.invalidModel, "XGBoost model has no gradient_booster", field: "gradient_booster")
        }
        let boosterName = booster["name"] as? String ?? "?"
        guard boosterName == "gbtree", let model = booster["model"] as? [String: Any], let jsonTrees = model["trees"] as? [[String: Any]] else {
            throw LearnError(.invalidModel, "only gbtree boosters can be imported; this model uses \(boosterName)", field: "gradient_booster.name")
        }
        let params = learner["learner_model_param"] as? [String: Any] ?? [:]
        let objectiveName = (learner["objective"] as? [String: Any])?["name"] as? String ?? "reg:squarederror"
        let numFeature = Int(string(params["num_feature"]) ?? "") ?? 0
        let numClass = Int(string(params["num_class"]) ?? "") ?? 0
        let outputCount = max(1, numClass)
        let baseScores = (string(params["base_score"]) ?? "0.5")
            .trimmingCharacters(in: CharacterSet(charactersIn: "[] "))
            .split(separator: ",").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard let firstBase = baseScores.first else {
            throw LearnError(.invalidModel, "unreadable base_score \(string(params["base_score"]) ?? "")", field: "base_score")
        }
        let objective: String
        var base: [Double]
        switch objectiveName {
        case "binary:logistic", "reg:logistic":
            objective = "binary:logistic"
            base = [log(firstBase / (1 - firstBase))]
        case "binary:logitraw":
            objective = "binary:logitraw"
            base = [log(firstBase / (1 - firstBase))]
        case "multi:softprob", "multi:softmax":
            objective = "multi:softprob"
            base = (0..<outputCount).map { baseScores.count == outputCount ? baseScores[$0] : firstBase }
        case "reg:squarederror", "reg:linear":
            objective = "reg:squarederror"
            base = [firstBase]
        default:
            throw LearnError(.invalidModel, "XGBoost objective \(objectiveName) is not supported; supported: binary:logistic, reg:logistic, binary:logitraw, multi:softprob, multi:softmax, reg:squarederror",
                             field: "objective")
        }
        guard base.count == outputCount else {
            throw LearnError(.invalidModel, "objective \(objectiveName) has one output, but num_class is \(numClass)", field: "num_class")
        }
        let treeInfo = (model["tree_info"] as? [Any])?.compactMap { int($0) } ?? []
        var trees = [Tree](), outputs = [Int32]()
        for (t, json) in jsonTrees.enumerated() {
            trees.append(try tree(json, index: t))
            let output = t < treeInfo.count ? treeInfo[t] : 0
            guard output >= 0 && output < outputCount else {
                throw LearnError(.invalidModel, "tree \(t) adds to output \(output) of \(outputCount)", field: "tree_info")
            }
            outputs.append(Int32(output))
        }
        let names = (learner["feature_names"] as? [String]).flatMap { $0.isEmpty ? nil : $0 } ?? (0..<numFeature).map { "f\($0)" }
        let types = learner["feature_types"] as? [String] ?? []
        let kinds: [FeatureKind] = names.indices.map { i in
            i < types.count && types[i] == "c" ? .categorical(levels: (0..<256).map(String.init)) : .numeric
        }
        for (t, tree) in trees.enumerated() where tree.nodes.contains(where: { !$0.isLeaf && Int($0.feature) >= names.count }) {
            throw LearnError(.invalidModel, "tree \(t) splits on a feature beyond the model's \(names.count) features", field: "split_indices")
        }
        return GBDTModel(objective: objective, outputCount: outputCount, baseMargins: base, trees: trees, treeOutputs: outputs,
                         featureNames: names, featureKinds: kinds)
    }

    private static func tree(_ json: [String: Any], index t: Int) throws -> Tree {
        func array(_ key: String) throws -> [Any] {
            guard let a = json[key] as? [Any] else {
                throw LearnError(.invalidModel, "tree \(t) has no \(key) array", field: "trees[\(t)].\(key)")
            }
            return a
        }
        let left = try array("left_children").compactMap { int($0) }
        let right = try array("right_children").compactMap { int($0) }
        let indices = try array("split_indices").compactMap { int($0) }
        let conditions = try array("split_conditions").compactMap { double($0) }
        let defaults = try array("default_left").compactMap { int($0) }
        let gains = (json["loss_changes"] as? [Any])?.compactMap { double($0) } ?? []
        let covers = (json["sum_hessian"] as? [Any])?.compactMap { double($0) } ?? []
        let splitTypes = (json["split_type"] as? [Any])?.compactMap { int($0) } ?? []
        let count = left.count
        guard count > 0, [right.count, indices.count, conditions.count, defaults.count].allSatisfy({ $0 == count }) else {
            throw LearnError(.invalidModel, "tree \(t) node arrays differ in length", field: "trees[\(t)]")
        }
        // Categorical nodes: XGBoost lists the categories that go right; Wharf stores the set that goes left. Every
        // other category goes left in XGBoost, including codes beyond Wharf's 256-bit sets and negative ones.
        var categorySets: [Int: [Int]] = [:]
        if let nodes = (json["categories_nodes"] as? [Any])?.compactMap({ int($0) }), !nodes.isEmpty {
            let categories = (json["categories"] as? [Any])?.compactMap { int($0) } ?? []
            let segments = (json["categories_segments"] as? [Any])?.compactMap { int($0) } ?? []
            let sizes = (json["categories_sizes"] as? [Any])?.compactMap { int($0) } ?? []
            for (i, node) in nodes.enumerated() where i < segments.count && i < sizes.count {
                let start = segments[i], size = sizes[i]
                guard start >= 0, start + size <= categories.count else {
                    throw LearnError(.invalidModel, "tree \(t) category segment out of range", field: "trees[\(t)].categories")
                }
                categorySets[node] = Array(categories[start..<(start + size)])
            }
        }
        var nodes = [Tree.Node](), bits = [UInt64]()
        var hasParent = [Bool](repeating: false, count: count)
        for i in 0..<count {
            var node = Tree.Node()
            if left[i] < 0 {
                node.value = Double(Float(conditions[i]))
            } else {
                // A tree: children come after their parent, as XGBoost numbers them, and each node has one parent.
                // A cycle would be followed forever and a shared child copied once per path when the forest is compiled.
                guard left[i] > i, left[i] < count, right[i] > i, right[i] < count, left[i] != right[i],
                      !hasParent[left[i]], !hasParent[right[i]], indices[i] >= 0, indices[i] <= Int(Int32.max) else {
                    throw LearnError(.invalidModel, "tree \(t) node \(i) has children out of range", field: "trees[\(t)]")
                }
                hasParent[left[i]] = true
                hasParent[right[i]] = true
                node.left = Int32(left[i])
                node.right = Int32(right[i])
                node.feature = Int32(indices[i])
                node.flags = defaults[i] != 0 ? Tree.Node.defaultLeftFlag : 0
                if i < splitTypes.count && splitTypes[i] == 1 {
                    var words: [UInt64] = [.max, .max, .max, .max]
                    for category in categorySets[i] ?? [] where category >= 0 && category < 256 {
                        words[category >> 6] &= ~(UInt64(1) << UInt64(category & 63))
                    }
                    node.flags |= Tree.Node.categoricalFlag | Tree.Node.outOfRangeLeftFlag
                    node.categoryOffset = Int32(bits.count)
                    bits.append(contentsOf: words)
                } else {
                    node.threshold = Float(conditions[i])
                }
            }
            nodes.append(node)
        }
        let gainValues = gains.count == count ? gains.enumerated().map { left[$0.offset] < 0 ? 0 : $0.element } : [Double](repeating: 0, count: count)
        return Tree(nodes: nodes, categoryBits: bits, gains: gainValues,
                    covers: covers.count == count ? covers : [Double](repeating: 0, count: count))
    }

    private static func string(_ value: Any?) -> String? {
        if let s = value as? String { return s }
        if let n = value as? NSNumber { return n.stringValue }
        return nil
    }

    private static func int(_ value: Any) -> Int? {
        if let n = value as? NSNumber { return n.intValue }
        if let b = value as? Bool { return b ? 1 : 0 }
        if let s = value as? String { return Int(s) }
        return nil
    }

    private static func double(_ value: Any) -> Double? {
        if let n = value as? NSNumber { return n.doubleValue }
        if let s = value as? String { return Double(s) }
        return nil
    }
}
