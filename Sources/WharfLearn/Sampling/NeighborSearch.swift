/// Exact k-nearest-neighbour search by blocked brute force over column-major standardised points (cache- and SIMD-friendly).
struct NeighborSearch {
    let count: Int
    let dimensions: Int
    /// `points[d * count + i]`.
    let points: [Float]

    /// For every point, the indices of its k nearest other points (nearest first), as `k` per row.
    func nearestNeighbors(k: Int, threads: Int) -> [Int32] {
        let m = count, d = dimensions
        var result = [Int32](repeating: 0, count: m * k)
        let chunks = Parallel.ranges(m, parts: m < 512 ? 1 : threads * 4)
        points.withUnsafeBufferPointer { pointBuffer in
            result.withUnsafeMutableBufferPointer { out in
                let base = pointBuffer.baseAddress!, outBase = out.baseAddress!
                Parallel.forEach(chunks.count, threads: threads) { part in
                    let distances = UnsafeMutablePointer<Float>.allocate(capacity: m)
                    let bestDistance = UnsafeMutablePointer<Float>.allocate(capacity: k)
                    let bestIndex = UnsafeMutablePointer<Int32>.allocate(capacity: k)
                    defer { distances.deallocate(); bestDistance.deallocate(); bestIndex.deallocate() }
                    for q in chunks[part] {
                        distances.update(repeating: 0, count: m)
                        for dim in 0..<d {
                            let column = base + dim * m
                            let value = column[q]
                            for j in 0..<m {
                                let t = value - column[j]
                                distances[j] += t * t
                            }
                        }
                        var filled = 0
                        for j in 0..<m where j != q {
                            let dist = distances[j]
                            if filled == k && dist >= bestDistance[k - 1] { continue }
                            var position = filled < k ? filled : k - 1
                            while position > 0 && bestDistance[position - 1] > dist {
                                bestDistance[position] = bestDistance[position - 1]
                                bestIndex[position] = bestIndex[position - 1]
                                position -= 1
                            }
                            bestDistance[position] = dist
                            bestIndex[position] = Int32(j)
                            if filled < k { filled += 1 }
                        }
                        for i in 0..<k { outBase[q * k + i] = i < filled ? bestIndex[i] : Int32(q) }
                    }
                }
            }
        }
        return result
    }
}
