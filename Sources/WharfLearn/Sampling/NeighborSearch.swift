/// Exact k-nearest-neighbour search by blocked brute force over column-major standardised points (cache- and SIMD-friendly).
struct NeighborSearch {
    let count: Int
    let dimensions: Int
    /// `points[d * count + i]`.
    let points: [Float]

    /// Queries per tile: each tile keeps `queryTile x 8` squared distances in registers while it runs over the dimensions.
    private static let queryTile = 4

    /// For every point, the indices of its k nearest other points (nearest first, ties by index), as `k` per row.
    func nearestNeighbors(k: Int, threads: Int) -> [Int32] {
        let m = count, d = dimensions, tile = Self.queryTile
        var result = [Int32](repeating: 0, count: m * k)
        let tiles = (m + tile - 1) / tile
        let chunks = Parallel.ranges(tiles, parts: m < 512 ? 1 : threads * 4)
        points.withUnsafeBufferPointer { pointBuffer in
            result.withUnsafeMutableBufferPointer { out in
                let base = pointBuffer.baseAddress!, outBase = out.baseAddress!
                Parallel.forEach(chunks.count, threads: threads) { part in
                    // Distances of `tile` queries to every point, one row of `m` per query (padded to a multiple of 8).
                    let width = (m + 7) & ~7
                    let distances = UnsafeMutablePointer<Float>.allocate(capacity: tile * width)
                    let queries = UnsafeMutablePointer<Float>.allocate(capacity: tile * max(d, 1))
                    let bestDistance = UnsafeMutablePointer<Float>.allocate(capacity: k)
                    let bestIndex = UnsafeMutablePointer<Int32>.allocate(capacity: k)
                    defer { distances.deallocate(); queries.deallocate(); bestDistance.deallocate(); bestIndex.deallocate() }
                    for t in chunks[part] {
                        let first = t * tile, live = min(tile, m - first)
                        // Missing queries of a short last tile repeat the first one; their rows are never read.
                        for q in 0..<tile { for dim in 0..<d { queries[q * d + dim] = base[dim * m + first + (q < live ? q : 0)] } }
                        var j = 0
                        while j + 8 <= m {
                            var a0 = SIMD8<Float>(), a1 = SIMD8<Float>(), a2 = SIMD8<Float>(), a3 = SIMD8<Float>()
                            for dim in 0..<d {
                                let column = UnsafeRawPointer(base + dim * m + j).loadUnaligned(as: SIMD8<Float>.self)
                                let t0 = SIMD8(repeating: queries[dim]) - column, t1 = SIMD8(repeating: queries[d + dim]) - column
                                let t2 = SIMD8(repeating: queries[2 * d + dim]) - column, t3 = SIMD8(repeating: queries[3 * d + dim]) - column
                                a0 += t0 * t0; a1 += t1 * t1; a2 += t2 * t2; a3 += t3 * t3
                            }
                            UnsafeMutableRawPointer(distances + j).storeBytes(of: a0, as: SIMD8<Float>.self)
                            UnsafeMutableRawPointer(distances + width + j).storeBytes(of: a1, as: SIMD8<Float>.self)
                            UnsafeMutableRawPointer(distances + 2 * width + j).storeBytes(of: a2, as: SIMD8<Float>.self)
                            UnsafeMutableRawPointer(distances + 3 * width + j).storeBytes(of: a3, as: SIMD8<Float>.self)
                            j += 8
                        }
                        while j < m {
                            for q in 0..<tile {
                                var s: Float = 0
                                for dim in 0..<d {
                                    let x = queries[q * d + dim] - base[dim * m + j]
                                    s += x * x
                                }
                                distances[q * width + j] = s
                            }
                            j += 1
                        }
                        for q in 0..<live {
                            let row = distances + q * width, self_ = first + q
                            var filled = 0
                            for j in 0..<m where j != self_ {
                                let dist = row[j]
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
                            for i in 0..<k { outBase[self_ * k + i] = i < filled ? bestIndex[i] : Int32(self_) }
                        }
                    }
                }
            }
        }
        return result
    }
}
