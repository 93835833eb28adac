/// The best split found for one leaf: which feature, where, where missing values go, and the child sums.
struct SplitCandidate {
    var gain: Double = 0
    var feature: Int = -1
    var bin: Int = 0
    var defaultLeft = false
    var isCategorical = false
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
        // Many categories: order by gradient/hessian ratio and try every prefix (Fisher's grouping, as LightGBM does).
        let smoothing = 1.0
        present.sort { a, b in
            let ra = histogram[2 * a] / (histogram[2 * a + 1] + smoothing)
            let rb = histogram[2 * b] / (histogram[2 * b + 1] + smoothing)
            return ra != rb ? ra < rb : a < b
        }
        for missingLeft in hasMissing ? [false, true] : [false] {
            var gl = missingLeft ? missingG : 0, hl = missingLeft ? missingH : 0
            for i in 0..<(present.count - 1) {
                gl += histogram[2 * present[i]]
                hl += histogram[2 * present[i] + 1]
                consider(gl, hl) { candidate in
                    candidate.isCategorical = true
                    candidate.defaultLeft = missingLeft
                    for c in present[...i] { candidate.setCategory(c) }
                }
            }
        }
    }
}
