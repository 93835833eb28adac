/// One regression tree in flat arrays; `left < 0` marks a leaf. Rows go left when x < threshold (or its category is in the left set).
public struct Tree: Equatable, Sendable {
    /// One node, packed for traversal.
    public struct Node: Equatable, Sendable {
        public var feature: Int32 = -1
        public var left: Int32 = -1
        public var right: Int32 = -1
        public var threshold: Float = 0
        /// Bins <= splitBin go left (numeric); used when predicting on binned data during training.
        public var splitBin: UInt16 = 0
        public var flags: UInt8 = 0
        /// Leaf output (margin units, already scaled by the learning rate).
        public var value: Double = 0
        /// Start of this node's 256-bit left-category set in `categoryBits` (categorical splits).
        public var categoryOffset: Int32 = -1

        public init() {}

        public static let defaultLeftFlag: UInt8 = 1
        public static let categoricalFlag: UInt8 = 2
        /// A categorical node sends category codes outside 0..<256 (negative or too large) left instead of right
        /// (set on trees imported from XGBoost, whose rule that is).
        public static let outOfRangeLeftFlag: UInt8 = 4

        public var isLeaf: Bool { left < 0 }
        public var defaultLeft: Bool { flags & Self.defaultLeftFlag != 0 }
        public var isCategorical: Bool { flags & Self.categoricalFlag != 0 }
    }

    public var nodes: [Node]
    /// Left-category bitsets, four words (256 categories) per categorical split.
    public var categoryBits: [UInt64]
    /// Loss reduction of each split (0 at leaves).
    public var gains: [Double]
    /// Hessian sum reaching each node.
    public var covers: [Double]

    public init(nodes: [Node] = [Node()], categoryBits: [UInt64] = [], gains: [Double] = [0], covers: [Double] = [0]) {
        self.nodes = nodes
        self.categoryBits = categoryBits
        self.gains = gains
        self.covers = covers
    }

    public var leafCount: Int { nodes.reduce(0) { $0 + ($1.isLeaf ? 1 : 0) } }

    /// Leaf index for a binned row (training-time prediction), `missingBins[f]` marking missing.
    @inline(__always)
    static func leafIndex(nodes: UnsafePointer<Node>, bits: UnsafePointer<UInt64>?, codes: UnsafePointer<UInt8>,
                          missingBins: UnsafePointer<UInt16>) -> Int {
        var index = 0
        while true {
            let node = nodes[index]
            if node.left < 0 { return index }
            let feature = Int(node.feature)
            let bin = UInt16(codes[feature])
            let goLeft: Bool
            if bin == missingBins[feature] {
                goLeft = node.flags & Node.defaultLeftFlag != 0
            } else if node.flags & Node.categoricalFlag != 0 {
                goLeft = (bits![Int(node.categoryOffset) + Int(bin >> 6)] >> UInt64(bin & 63)) & 1 == 1
            } else {
                goLeft = bin <= node.splitBin
            }
            index = Int(goLeft ? node.left : node.right)
        }
    }
}
