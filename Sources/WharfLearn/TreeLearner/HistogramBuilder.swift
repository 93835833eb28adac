/// Builds gradient/hessian histograms (interleaved Double pairs per bin) of a set of rows, on several threads.
final class HistogramBuilder {
    let data: BinnedMatrix
    let threads: Int
    /// One private histogram per extra chunk, merged in a fixed order so sums repeat exactly.
    private var chunkBuffers: [UnsafeMutablePointer<Double>] = []
    /// Below this many rows one thread builds the histogram alone (merging would cost more than it saves).
    static let parallelThreshold = 8192

    init(data: BinnedMatrix, threads: Int) {
        self.data = data
        self.threads = max(1, threads)
    }

    deinit {
        for buffer in chunkBuffers { buffer.deallocate() }
    }

    var width: Int { data.totalBins * 2 }

    /// Fills `histogram` (width doubles) from `rows`; `pairs[row]` holds the row's (gradient, hessian).
    func build(rows: UnsafeBufferPointer<Int32>, pairs: UnsafePointer<SIMD2<Float>>, into histogram: UnsafeMutablePointer<Double>) {
        let width = self.width
        let featureCount = data.featureCount
        let stride = data.binStride
        data.codes.withUnsafeBufferPointer { codes in
            let codeBase = codes.baseAddress!
            if threads == 1 || rows.count < Self.parallelThreshold {
                histogram.update(repeating: 0, count: width)
                Self.accumulate(rows: rows, range: 0..<rows.count, codes: codeBase, featureCount: featureCount,
                                stride: stride, pairs: pairs, into: histogram)
                return
            }
            // Several chunks per thread let a thread that the machine delays hand work to the other; the chunking
            // depends only on the row count and thread count, so the merged sums do not depend on scheduling.
            let chunks = Parallel.ranges(rows.count, parts: min(4 * threads, max(threads, rows.count / 32_768)))
            while chunkBuffers.count < chunks.count - 1 { chunkBuffers.append(.allocate(capacity: width)) }
            let bufferPointers = chunkBuffers
            Parallel.forEach(chunks.count, threads: threads) { part in
                let target = part == 0 ? histogram : bufferPointers[part - 1]
                target.update(repeating: 0, count: width)
                Self.accumulate(rows: rows, range: chunks[part], codes: codeBase, featureCount: featureCount,
                                stride: stride, pairs: pairs, into: target)
            }
            for part in 1..<chunks.count {
                let source = bufferPointers[part - 1]
                for i in 0..<width { histogram[i] += source[i] }
            }
        }
    }

    @inline(__always)
    private static func accumulate(rows: UnsafeBufferPointer<Int32>, range: Range<Int>, codes: UnsafePointer<UInt8>,
                                   featureCount: Int, stride: Int, pairs: UnsafePointer<SIMD2<Float>>,
                                   into histogram: UnsafeMutablePointer<Double>) {
        // One 128-bit add per (feature, row): gradient and hessian sit side by side in the histogram.
        let bins = UnsafeMutableRawPointer(histogram).assumingMemoryBound(to: SIMD2<Double>.self)
        // Below the root a node's rows are scattered, so each row's codes and pair would be a cache miss that the
        // out-of-order window (about two rows deep) barely overlaps; prefetching rows ahead made these passes 5-10x faster.
        let ahead = 16
        for i in range {
            if i &+ ahead < range.upperBound {
                let next = Int(rows[i &+ ahead])
                let nextCodes = UnsafeRawPointer(codes + next &* featureCount)
                prefetch(nextCodes)
                prefetch(nextCodes + (featureCount &- 1))
                prefetch(UnsafeRawPointer(pairs + next))
            }
            let row = Int(rows[i])
            let pair = pairs[row]
            let gh = SIMD2<Double>(Double(pair.x), Double(pair.y))
            let rowCodes = codes + row * featureCount
            var featureBins = bins
            for f in 0..<featureCount {
                featureBins[Int(rowCodes[f])] += gh
                featureBins += stride
            }
        }
    }
}

/// LLVM's prefetch intrinsic (read, keep in all cache levels, data cache); Swift has no prefetch in its standard library.
@_silgen_name("llvm.prefetch.p0")
private func llvmPrefetch(_ address: UnsafeRawPointer, _ write: Int32, _ locality: Int32, _ cacheType: Int32)

@inline(__always)
func prefetch(_ address: UnsafeRawPointer) { llvmPrefetch(address, 0, 3, 1) }
