/// The best split found for one leaf: which feature, where, where missing values go, and the child sums.
struct SplitCandidate {
    var gain: Double = 0
    var feature: Int = -1
    var bin: Int = 0
    var defaultLeft = false
    var isCategorical = false
    /// L2 added to the children's leaf values (`catL2` for a split of a many-level categorical feature).
    var extraL2 = 0.0
    var leftCategories: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
    var leftGradient = 0.0, leftHessian = 0.0, leftCount = 0
    var rightGradient = 0.0, rightHessian = 0.0, rightCount = 0

    var isValid: Bool { feature >= 0 }

    @inline(__always)
    func categoryGoesLeft(_ bin: Int) -> Bool {
        let word: UInt64
        switch bin >> 6 {
        case 0: word = leftCategories.0
        case 1: word = leftCategories.1
        case 2: word = leftCategories.2
        default: word = leftCategories.3
        }
        return (word >> UInt64(bin & 63)) & 1 == 1
    }

    mutating func setCategory(_ bin: Int) {
        let bit = UInt64(1) << UInt64(bin & 63)
        switch bin >> 6 {
        case 0: leftCategories.0 |= bit
        case 1: leftCategories.1 |= bit
        case 2: leftCategories.2 |= bit
        default: leftCategories.3 |= bit
        }
    }
}

/// Scores candidate splits of a node histogram with XGBoost's regularised gain.
struct SplitFinder {
    var lambda: Double
    var alpha: Double
    var gamma: Double
    var minChildWeight: Double
    var minDataInLeaf: Int
    var maxCatToOnehot: Int
    /// LightGBM's categorical regularisation (see `evaluateManyCategories`).
    var catSmooth: Double = 10
    var catL2: Double = 10
    var maxCatThreshold: Int = 32
    var minDataPerGroup: Int = 100

    @inline(__always)
    func thresholdL1(_ g: Double) -> Double {
        if g > alpha { return g - alpha }
        if g < -alpha { return g + alpha }
        return 0
    }

    @inline(__always)
    func score(_ g: Double, _ h: Double) -> Double {
        let t = thresholdL1(g)
        return t * t / (h + lambda)
    }

    /// Newton leaf weight before the learning rate.
    func leafWeight(_ g: Double, _ h: Double) -> Double { -thresholdL1(g) / (h + lambda) }

    /// Tries every split of `feature` and keeps it in `best` when it beats it.
    func evaluate(feature: Int, mapper: BinMapper, histogram: UnsafePointer<Double>, totalGradient g: Double,
                  totalHessian h: Double, count: Int, best: inout SplitCandidate) {
        let bins = mapper.binCount
        guard bins >= 2 else { return }
        let parentScore = score(g, h)
        let missingG = histogram[2 * bins], missingH = histogram[2 * bins + 1]
        let countPerHessian = h > 0 ? Double(count) / h : 0
        let hasMissing = missingH > 0 || missingG != 0

        @inline(__always)
        func consider(_ gl: Double, _ hl: Double, build: (inout SplitCandidate) -> Void) {
            let gr = g - gl, hr = h - hl
            guard hl >= minChildWeight, hr >= minChildWeight, hl > 0, hr > 0 else { return }
            if minDataInLeaf > 0 {
                let leftCount = Int(hl * countPerHessian + 0.5)
                if leftCount < minDataInLeaf || count - leftCount < minDataInLeaf { return }
            }
            let gain = score(gl, hl) + score(gr, hr) - parentScore
            guard gain > best.gain, gain > gamma, gain > 1e-10 else { return }
            let leftCount = Int(hl * countPerHessian + 0.5)
            let rightCount = count - leftCount
            var candidate = SplitCandidate(gain: gain, feature: feature)
            candidate.leftGradient = gl; candidate.leftHessian = hl; candidate.leftCount = leftCount
            candidate.rightGradient = gr; candidate.rightHessian = hr; candidate.rightCount = rightCount
            build(&candidate)
            best = candidate
        }

        if !mapper.isCategorical {
            for missingLeft in hasMissing ? [false, true] : [false] {
                var gl = missingLeft ? missingG : 0, hl = missingLeft ? missingH : 0
                for b in 0..<(bins - 1) {
                    gl += histogram[2 * b]
                    hl += histogram[2 * b + 1]
                    consider(gl, hl) { $0.bin = b; $0.defaultLeft = missingLeft }
                }
            }
            return
        }

        var present = [Int]()
        present.reserveCapacity(bins)
        for b in 0..<bins where histogram[2 * b + 1] > 0 { present.append(b) }
        guard present.count >= 2 || (present.count == 1 && hasMissing) else { return }
        if bins <= maxCatToOnehot {
            for c in present {
                for missingLeft in hasMissing ? [false, true] : [false] {
                    let gl = histogram[2 * c] + (missingLeft ? missingG : 0)
                    let hl = histogram[2 * c + 1] + (missingLeft ? missingH : 0)
                    consider(gl, hl) { $0.isCategorical = true; $0.setCategory(c); $0.defaultLeft = missingLeft }
                }
            }
            return
        }
        evaluateManyCategories(feature: feature, present: present, missingBin: hasMissing ? bins : nil, histogram: histogram,
                               totalGradient: g, totalHessian: h, count: count, parentScore: parentScore, best: &best)
    }

    /// Categorical splits of a feature with more than `maxCatToOnehot` levels, LightGBM's way: levels seen on fewer
    /// than `catSmooth` rows of the node are left out (they go right with the unseen levels); the others, and missing
    /// values as one more level, are ordered by `G/(H + catSmooth)` and prefixes of that order, taken from either end,
    /// are tried as the set going left, up to `maxCatThreshold` levels, only where at least `minDataPerGroup` rows
    /// joined since the last prefix tried and at least that many stay right. The children are scored with
    /// `lambda + catL2`, so a categorical split must gain more than a numeric one: many-level features otherwise fit
    /// the noise of their rare levels.
    private func evaluateManyCategories(feature: Int, present: [Int], missingBin: Int?, histogram: UnsafePointer<Double>,
                                        totalGradient g: Double, totalHessian h: Double, count: Int, parentScore: Double,
                                        best: inout SplitCandidate) {
        let countPerHessian = h > 0 ? Double(count) / h : 0
        var used = [Int]()
        used.reserveCapacity(present.count + 1)
        for b in present + (missingBin.map { [$0] } ?? []) where histogram[2 * b + 1] > 0 && (histogram[2 * b + 1] * countPerHessian).rounded() >= catSmooth {
            used.append(b)
        }
        guard !used.isEmpty else { return }
        let ratio = used.map { histogram[2 * $0] / (histogram[2 * $0 + 1] + catSmooth) }
        var order = Array(0..<used.count)
        order.sort { ratio[$0] != ratio[$1] ? ratio[$0] < ratio[$1] : used[$0] < used[$1] }
        let sorted = order.map { used[$0] }
        let maxLevels = min(maxCatThreshold, (sorted.count + 1) / 2, sorted.count)
        let lambdaCat = lambda + catL2
        let minGroup = Double(minDataPerGroup)
        @inline(__always)
        func categoryScore(_ g: Double, _ h: Double) -> Double {
            let t = thresholdL1(g)
            return t * t / (h + lambdaCat)
        }
        for fromLow in [true, false] {
            var gl = 0.0, hl = 0.0, leftRows = 0.0, sinceLast = 0.0
            for i in 0..<maxLevels {
                let c = fromLow ? sorted[i] : sorted[sorted.count - 1 - i]
                let hc = histogram[2 * c + 1]
                gl += histogram[2 * c]
                hl += hc
                let rows = (hc * countPerHessian).rounded()
                leftRows += rows
                sinceLast += rows
                if leftRows < Double(minDataInLeaf) || hl < minChildWeight { continue }
                let rightRows = Double(count) - leftRows
                if rightRows < Double(minDataInLeaf) || rightRows < minGroup { break }
                let hr = h - hl
                if hr < minChildWeight || hr <= 0 { break }
                if sinceLast < minGroup { continue }
                sinceLast = 0
                let gr = g - gl
                let gain = categoryScore(gl, hl) + categoryScore(gr, hr) - parentScore
                guard gain > best.gain, gain > gamma, gain > 1e-10, hl > 0 else { continue }
                var candidate = SplitCandidate(gain: gain, feature: feature)
                candidate.isCategorical = true
                candidate.extraL2 = catL2
                candidate.leftGradient = gl; candidate.leftHessian = hl; candidate.leftCount = Int(leftRows)
                candidate.rightGradient = gr; candidate.rightHessian = hr; candidate.rightCount = count - Int(leftRows)
                for k in 0...i {
                    let level = fromLow ? sorted[k] : sorted[sorted.count - 1 - k]
                    if level == missingBin { candidate.defaultLeft = true } else { candidate.setCategory(level) }
                }
                best = candidate
            }
        }
    }
}
